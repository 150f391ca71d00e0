using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.ApiKeys;

/// <summary>Creates, validates, revokes and rotates API keys; only their SHA-256 hashes are stored.</summary>
public sealed class ApiKeyManager
{
    private readonly ApiKeyOptions _options;
    private readonly IApiKeyStore _store;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the manager.</summary>
    public ApiKeyManager(IOptions<ApiKeyOptions> options, IApiKeyStore store, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <summary>Creates a key for <paramref name="ownerId"/> with <paramref name="scopes"/>; the returned key is shown once.</summary>
    /// <param name="ownerId">The user or service the key acts for.</param>
    /// <param name="scopes">The scopes granted.</param>
    /// <param name="lifetime">How long the key works; <see cref="ApiKeyOptions.DefaultLifetime"/> when <see langword="null"/>.</param>
    /// <param name="name">A label for people.</param>
    /// <param name="cancellationToken">Cancels the store call.</param>
    public async ValueTask<ApiKeyCreated> CreateAsync(string ownerId, IEnumerable<string> scopes, TimeSpan? lifetime = null, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        ArgumentNullException.ThrowIfNull(scopes);
        var effectiveLifetime = lifetime ?? _options.DefaultLifetime;
        if (effectiveLifetime is { } l && l <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "The lifetime must be positive.");
        }

        return await CreateCoreAsync(ownerId, scopes, effectiveLifetime, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Validates a presented key: shape and checksum first (no lookup), then the record by id, the hash in constant
    /// time, revocation and expiry. Never throws for bad input.
    /// </summary>
    public async ValueTask<ApiKeyValidationResult> ValidateAsync(string? key, CancellationToken cancellationToken = default)
    {
        var result = await ValidateCoreAsync(key, cancellationToken).ConfigureAwait(false);
        ApiKeyMetrics.Record(result.Status);
        return result;
    }

    private async ValueTask<ApiKeyValidationResult> ValidateCoreAsync(string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key))
        {
            return new ApiKeyValidationResult(ApiKeyValidationStatus.Malformed, null);
        }

        var status = ApiKeyFormat.Parse(key, _options.Prefix, out var id);
        if (status != ApiKeyValidationStatus.Valid)
        {
            return new ApiKeyValidationResult(status, null);
        }

        var record = await _store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null || !CryptographicOperations.FixedTimeEquals(ApiKeyFormat.Hash(key), record.KeyHash))
        {
            return new ApiKeyValidationResult(ApiKeyValidationStatus.Unknown, null);
        }

        // State is disclosed only to whoever holds the real key.
        var now = _timeProvider.GetUtcNow();
        if (record.RevokedAt is not null)
        {
            return new ApiKeyValidationResult(ApiKeyValidationStatus.Revoked, record);
        }

        return record.ExpiresAt is { } expires && expires <= now
            ? new ApiKeyValidationResult(ApiKeyValidationStatus.Expired, record)
            : new ApiKeyValidationResult(ApiKeyValidationStatus.Valid, record);
    }

    /// <summary>Revokes the key with <paramref name="keyId"/> at once; returns <see langword="false"/> when there is no such key.</summary>
    public async ValueTask<bool> RevokeAsync(string keyId, CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(keyId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return false;
        }

        if (record.RevokedAt is null)
        {
            await _store.UpdateAsync(record with { RevokedAt = _timeProvider.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Rotates a key: creates a replacement with the same owner, scopes, name and lifetime, and lets the old key work
    /// for <paramref name="overlap"/> more (never longer than it would have anyway) so that clients can switch.
    /// </summary>
    /// <exception cref="InvalidOperationException">No such key, or it is revoked.</exception>
    public async ValueTask<ApiKeyCreated> RotateAsync(string keyId, TimeSpan overlap, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(overlap, TimeSpan.Zero);
        var old = await _store.FindAsync(keyId, cancellationToken).ConfigureAwait(false);
        if (old is null || old.RevokedAt is not null)
        {
            throw new InvalidOperationException($"API key '{keyId}' does not exist or is revoked.");
        }

        TimeSpan? lifetime = old.ExpiresAt is { } expires ? expires - old.CreatedAt : null;
        var replacement = await CreateCoreAsync(old.OwnerId, old.Scopes, lifetime, old.Name, cancellationToken).ConfigureAwait(false);
        var overlapEnd = _timeProvider.GetUtcNow() + overlap;
        var oldEnd = old.ExpiresAt is { } e && e < overlapEnd ? e : overlapEnd;
        await _store.UpdateAsync(old with { ExpiresAt = oldEnd }, cancellationToken).ConfigureAwait(false);
        return replacement;
    }

    private async ValueTask<ApiKeyCreated> CreateCoreAsync(string ownerId, IEnumerable<string> scopes, TimeSpan? lifetime, string? name, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var (key, id) = ApiKeyFormat.Generate(_options.Prefix);
        var record = new ApiKeyRecord(id, ApiKeyFormat.Hash(key), ownerId, [.. scopes.Distinct(StringComparer.Ordinal)], name, now, now + lifetime, RevokedAt: null);
        await _store.AddAsync(record, cancellationToken).ConfigureAwait(false);
        return new ApiKeyCreated(key, record);
    }

    /// <summary>Returns the keys of <paramref name="ownerId"/>.</summary>
    public ValueTask<IReadOnlyList<ApiKeyRecord>> ListAsync(string ownerId, CancellationToken cancellationToken = default) =>
        _store.ListByOwnerAsync(ownerId, cancellationToken);
}
