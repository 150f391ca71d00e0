namespace ApiKit.Security.ApiKeys;

/// <summary>What an <see cref="IApiKeyStore"/> keeps for one API key; the key itself is never stored.</summary>
/// <param name="KeyId">The public id embedded in the key, used for lookup.</param>
/// <param name="KeyHash">SHA-256 of the whole key.</param>
/// <param name="OwnerId">The user or service the key acts for.</param>
/// <param name="Scopes">The scopes granted to the key.</param>
/// <param name="Name">A label for people (e.g. "CI bot").</param>
/// <param name="CreatedAt">When the key was created.</param>
/// <param name="ExpiresAt">When the key stops working, or <see langword="null"/> for never.</param>
/// <param name="RevokedAt">When the key was revoked, or <see langword="null"/>.</param>
public sealed record ApiKeyRecord(
    string KeyId,
    byte[] KeyHash,
    string OwnerId,
    IReadOnlyList<string> Scopes,
    string? Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt);
