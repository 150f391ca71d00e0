using System.Collections.Concurrent;

namespace ApiKit.Security.ApiKeys;

/// <summary>An <see cref="IApiKeyStore"/> in process memory, for tests and development only.</summary>
public sealed class InMemoryApiKeyStore : IApiKeyStore
{
    private readonly ConcurrentDictionary<string, ApiKeyRecord> _records = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<ApiKeyRecord?> FindAsync(string keyId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_records.TryGetValue(keyId, out var record) ? record : null);

    /// <inheritdoc />
    public ValueTask AddAsync(ApiKeyRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_records.TryAdd(record.KeyId, record))
        {
            throw new InvalidOperationException($"An API key with id '{record.KeyId}' already exists.");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask UpdateAsync(ApiKeyRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records[record.KeyId] = record;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ApiKeyRecord>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ApiKeyRecord>>([.. _records.Values.Where(r => string.Equals(r.OwnerId, ownerId, StringComparison.Ordinal)).OrderBy(r => r.CreatedAt)]);
}
