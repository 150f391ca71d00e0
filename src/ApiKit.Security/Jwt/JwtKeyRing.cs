using System.Security.Cryptography;

namespace ApiKit.Security.Jwt;

/// <summary>
/// The keys ApiKit signs and verifies with: one signing key plus verification keys, each valid until an optional
/// instant. <see cref="Rotate"/> swaps the signing key and keeps the previous one verifiable for an overlap period,
/// so tokens issued just before a rotation stay valid. A token's <c>kid</c> is only ever a lookup in this ring.
/// </summary>
/// <remarks>Reads are lock-free over an immutable snapshot; changes are serialized and raise <see cref="Changed"/>.</remarks>
public sealed class JwtKeyRing
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private volatile Snapshot _snapshot;

    /// <summary>Creates a ring whose signing key is <paramref name="signingKey"/>.</summary>
    /// <param name="signingKey">The signing key; it must hold private material.</param>
    /// <param name="timeProvider">The clock for verification key expiry; <see cref="TimeProvider.System"/> by default.</param>
    public JwtKeyRing(JwtSigningKey signingKey, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        EnsureCanSign(signingKey);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _snapshot = new Snapshot(signingKey, [new Entry(signingKey, long.MaxValue)], 1);
    }

    /// <summary>Raised after the signing key or the set of verification keys changed.</summary>
    public event EventHandler? Changed;

    /// <summary>Gets the key new tokens are signed with.</summary>
    public JwtSigningKey SigningKey => _snapshot.SigningKey;

    /// <summary>Gets a number that changes whenever the ring changes; caches of validated tokens compare it.</summary>
    public long Version => _snapshot.Version;

    /// <summary>Gets the keys that currently verify tokens (the signing key included).</summary>
    /// <returns>The keys.</returns>
    public IReadOnlyList<JwtSigningKey> GetVerificationKeys()
    {
        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        return [.. _snapshot.Entries.Where(e => e.NotAfter > now).Select(e => e.Key)];
    }

    /// <summary>Adds a key that verifies tokens (for example another instance's public key) until <paramref name="notAfter"/>.</summary>
    /// <param name="key">The key; public material is enough.</param>
    /// <param name="notAfter">When the key stops verifying; <see langword="null"/> for no limit.</param>
    public void AddVerificationKey(JwtSigningKey key, DateTimeOffset? notAfter = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        Update(s =>
        {
            EnsureCompatible(s.Entries, key);
            return s with { Entries = [.. s.Entries, new Entry(key, notAfter?.ToUnixTimeSeconds() ?? long.MaxValue)] };
        });
    }

    /// <summary>
    /// Makes <paramref name="newSigningKey"/> the signing key. The previous signing key keeps verifying tokens for
    /// <paramref name="overlap"/> (at least the access-token lifetime plus the clock skew, so no issued token breaks).
    /// </summary>
    /// <param name="newSigningKey">The new signing key.</param>
    /// <param name="overlap">How long the previous key stays a verification key.</param>
    public void Rotate(JwtSigningKey newSigningKey, TimeSpan overlap)
    {
        ArgumentNullException.ThrowIfNull(newSigningKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(overlap, TimeSpan.Zero);
        EnsureCanSign(newSigningKey);
        var retireAt = _timeProvider.GetUtcNow().Add(overlap).ToUnixTimeSeconds();
        Update(s =>
        {
            EnsureCompatible(s.Entries, newSigningKey);
            var entries = s.Entries
                .Select(e => ReferenceEquals(e.Key, s.SigningKey) ? e with { NotAfter = retireAt } : e)
                .Append(new Entry(newSigningKey, long.MaxValue));
            return s with { SigningKey = newSigningKey, Entries = [.. entries] };
        });
    }

    /// <summary>Removes a verification key at once (for example a compromised one). The signing key cannot be revoked; rotate first.</summary>
    /// <param name="keyId">The key id.</param>
    /// <returns>Whether a key was removed.</returns>
    public bool Revoke(string keyId)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var removed = false;
        Update(s =>
        {
            if (string.Equals(s.SigningKey.KeyId, keyId, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("The signing key cannot be revoked; rotate to a new key first.");
            }

            var kept = s.Entries.Where(e => !string.Equals(e.Key.KeyId, keyId, StringComparison.Ordinal)).ToArray();
            removed = kept.Length != s.Entries.Length;
            return removed ? s with { Entries = kept } : s;
        });
        return removed;
    }

    internal Snapshot Current => _snapshot;

    internal long NowUnixSeconds() => _timeProvider.GetUtcNow().ToUnixTimeSeconds();

    private static void EnsureCanSign(JwtSigningKey key)
    {
        if (!key.CanSign)
        {
            throw new ArgumentException("A signing key needs its private material.", nameof(key));
        }
    }

    private static void EnsureCompatible(Entry[] entries, JwtSigningKey key)
    {
        foreach (var entry in entries)
        {
            if (string.Equals(entry.Key.KeyId, key.KeyId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The key id '{key.KeyId}' is already in the ring.", nameof(key));
            }

            // RFC 8725 3.1: an HMAC secret that equals a published public key is the RS/HS confusion attack waiting to happen.
            var (symmetric, asymmetric) = key.IsSymmetric ? (key, entry.Key) : (entry.Key, key);
            if (symmetric.IsSymmetric && !asymmetric.IsSymmetric && asymmetric.PublicEncodings().Any(p => CryptographicOperations.FixedTimeEquals(p, symmetric.Secret)))
            {
                throw new ArgumentException("An HMAC secret must never be a key that is also used asymmetrically.", nameof(key));
            }
        }
    }

    private void Update(Func<Snapshot, Snapshot> change)
    {
        lock (_gate)
        {
            var current = _snapshot;
            var next = change(current);
            if (ReferenceEquals(next, current))
            {
                return;
            }

            _snapshot = next with { Version = current.Version + 1 };
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    internal sealed record Entry(JwtSigningKey Key, long NotAfter);

    internal sealed record Snapshot(JwtSigningKey SigningKey, Entry[] Entries, long Version);
}
