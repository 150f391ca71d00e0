namespace ApiKit.Security.ApiKeys;

/// <summary>Persists API key records, looked up by key id.</summary>
public interface IApiKeyStore
{
    /// <summary>Returns the record with <paramref name="keyId"/>, or <see langword="null"/>.</summary>
    ValueTask<ApiKeyRecord?> FindAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Adds a new record.</summary>
    ValueTask AddAsync(ApiKeyRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the record with the same <see cref="ApiKeyRecord.KeyId"/>.</summary>
    ValueTask UpdateAsync(ApiKeyRecord record, CancellationToken cancellationToken);

    /// <summary>Returns the records of <paramref name="ownerId"/>.</summary>
    ValueTask<IReadOnlyList<ApiKeyRecord>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken);
}
