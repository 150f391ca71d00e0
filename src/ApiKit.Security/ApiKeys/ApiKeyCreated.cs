namespace ApiKit.Security.ApiKeys;

/// <summary>A newly created API key: <see cref="Key"/> is shown to its owner once and never again.</summary>
/// <param name="Key">The full key.</param>
/// <param name="Record">The stored record.</param>
public sealed record ApiKeyCreated(string Key, ApiKeyRecord Record)
{
    /// <summary>Describes the key by id only, so that logging it leaks nothing.</summary>
    public override string ToString() => $"ApiKeyCreated {{ KeyId = {Record.KeyId}, Key = (redacted) }}";
}
