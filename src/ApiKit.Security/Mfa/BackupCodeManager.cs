using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Mfa;

/// <summary>
/// Single-use backup codes: generated with a CSPRNG from an alphabet without look-alike characters, stored only
/// as salted SHA-256 hashes, redeemed once each with constant-time comparison, regenerated as a whole.
/// </summary>
/// <remarks>
/// A 12-character code carries about 59 bits from a CSPRNG, so a fast salted hash is enough: unlike a
/// password there is no dictionary to try, and the per-code salt rules out precomputation.
/// </remarks>
public sealed class BackupCodeManager
{
    /// <summary>The code alphabet: digits and upper-case letters without 0, 1, I, L and O.</summary>
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    private const int SaltBytes = 16;
    private const int GroupLength = 4;
    private readonly BackupCodeOptions _options;
    private readonly IBackupCodeStore _store;
    private readonly IMfaAttemptGuard _guard;

    /// <summary>Creates the manager.</summary>
    public BackupCodeManager(IOptions<BackupCodeOptions> options, IBackupCodeStore store, IMfaAttemptGuard guard)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _guard = guard ?? throw new ArgumentNullException(nameof(guard));
    }

    /// <summary>
    /// Generates a new set of codes, replacing any previous ones, and returns them for display once
    /// (grouped by four with '-', e.g. <c>7KQ4-XM2P-9DHT</c>).
    /// </summary>
    public async ValueTask<IReadOnlyList<string>> GenerateAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var codes = new string[_options.Count];
        var hashes = new string[_options.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            var raw = RandomNumberGenerator.GetItems(Alphabet.AsSpan(), _options.Length);
            codes[i] = Group(raw);
            hashes[i] = Hash(raw, RandomNumberGenerator.GetBytes(SaltBytes));
            Array.Clear(raw);
        }

        await _store.ReplaceAsync(userId, hashes, cancellationToken).ConfigureAwait(false);
        return codes;
    }

    /// <summary>Redeems <paramref name="code"/> (case, spaces and dashes do not matter); a code works once.</summary>
    public async ValueTask<BackupCodeRedemptionResult> RedeemAsync(string userId, string? code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        using var activity = MfaMetrics.StartActivity("backup_code");
        if (await _guard.IsLockedOutAsync(userId, cancellationToken).ConfigureAwait(false))
        {
            MfaMetrics.Record(activity, "backup_code", "locked_out");
            return BackupCodeRedemptionResult.LockedOut;
        }

        var matched = await FindAsync(userId, code, cancellationToken).ConfigureAwait(false);
        if (matched is not null && await _store.TryRemoveAsync(userId, matched, cancellationToken).ConfigureAwait(false))
        {
            await _guard.RecordSuccessAsync(userId, MfaMethod.BackupCode, cancellationToken).ConfigureAwait(false);
            MfaMetrics.Record(activity, "backup_code", "success");
            return BackupCodeRedemptionResult.Success;
        }

        await _guard.RecordFailureAsync(userId, MfaMethod.BackupCode, cancellationToken).ConfigureAwait(false);
        MfaMetrics.Record(activity, "backup_code", "invalid");
        return BackupCodeRedemptionResult.Invalid;
    }

    /// <summary>Returns how many unused codes the user has left.</summary>
    public async ValueTask<int> CountRemainingAsync(string userId, CancellationToken cancellationToken = default) =>
        (await _store.GetHashesAsync(userId, cancellationToken).ConfigureAwait(false)).Count;

    private async ValueTask<string?> FindAsync(string userId, string? code, CancellationToken cancellationToken)
    {
        var normalized = Normalize(code, _options.Length);
        if (normalized is null)
        {
            return null;
        }

        var hashes = await _store.GetHashesAsync(userId, cancellationToken).ConfigureAwait(false);
        string? matched = null;

        // Every stored hash is compared, in constant time, whatever matches first.
        foreach (var stored in hashes)
        {
            if (TrySplit(stored, out var salt, out var expected)
                && CryptographicOperations.FixedTimeEquals(Digest(normalized, salt), expected)
                && matched is null)
            {
                matched = stored;
            }
        }

        Array.Clear(normalized);
        return matched;
    }

    private static char[]? Normalize(string? code, int length)
    {
        if (code is null || code.Length > length * 2)
        {
            return null;
        }

        var result = new char[length];
        var count = 0;
        foreach (var raw in code)
        {
            if (raw is ' ' or '-')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw);
            if (count == length || !Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return null;
            }

            result[count++] = c;
        }

        return count == length ? result : null;
    }

    private static string Group(char[] raw)
    {
        var builder = new StringBuilder(raw.Length + (raw.Length / GroupLength));
        for (var i = 0; i < raw.Length; i++)
        {
            if (i > 0 && i % GroupLength == 0)
            {
                builder.Append('-');
            }

            builder.Append(raw[i]);
        }

        return builder.ToString();
    }

    private static string Hash(char[] code, byte[] salt) => $"{Convert.ToBase64String(salt)}:{Convert.ToBase64String(Digest(code, salt))}";

    private static byte[] Digest(char[] code, byte[] salt)
    {
        Span<byte> input = stackalloc byte[SaltBytes + 64];
        salt.CopyTo(input);
        var length = SaltBytes + Encoding.ASCII.GetBytes(code, input[SaltBytes..]);
        var digest = SHA256.HashData(input[..length]);
        CryptographicOperations.ZeroMemory(input);
        return digest;
    }

    private static bool TrySplit(string stored, out byte[] salt, out byte[] digest)
    {
        salt = digest = [];
        var separator = stored.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(stored[..separator]);
            digest = Convert.FromBase64String(stored[(separator + 1)..]);
            return salt.Length == SaltBytes && digest.Length == SHA256.HashSizeInBytes;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
