namespace ApiKit.Security.Tokens;

/// <summary>
/// A stored refresh token. Only the SHA-256 of the token is kept, so a leaked store does not yield usable tokens.
/// Every token belongs to a family: the chain of rotations that started at one sign-in.
/// </summary>
public sealed class RefreshTokenRecord
{
    /// <summary>Gets the base64url SHA-256 of the token.</summary>
    public required string TokenHash { get; init; }

    /// <summary>Gets the family id shared by every rotation of one sign-in.</summary>
    public required string FamilyId { get; init; }

    /// <summary>Gets the subject (user id) the token was issued to.</summary>
    public required string Subject { get; init; }

    /// <summary>Gets when the token was issued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the token expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets when the whole family expires, however often it was rotated.</summary>
    public required DateTimeOffset FamilyExpiresAt { get; init; }

    /// <summary>Gets when the token was exchanged for its successor, if it was.</summary>
    public DateTimeOffset? ConsumedAt { get; init; }

    /// <summary>Gets when the token's family was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
