namespace ApiKit.Security.Tokens;

/// <summary>The result of issuing or exchanging a refresh token.</summary>
public sealed class RefreshTokenResult
{
    private RefreshTokenResult(RefreshTokenStatus status, string? token, string? subject, string? familyId, DateTimeOffset? expiresAt)
    {
        Status = status;
        Token = token;
        Subject = subject;
        FamilyId = familyId;
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets the outcome.</summary>
    public RefreshTokenStatus Status { get; }

    /// <summary>Gets a value indicating whether a new token was issued.</summary>
    public bool Succeeded => Status == RefreshTokenStatus.Success;

    /// <summary>Gets the new refresh token (send it to the client once; it is not stored).</summary>
    public string? Token { get; }

    /// <summary>Gets the subject the token belongs to.</summary>
    public string? Subject { get; }

    /// <summary>Gets the family id.</summary>
    public string? FamilyId { get; }

    /// <summary>Gets when the new token expires.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    internal static RefreshTokenResult Success(string token, string subject, string familyId, DateTimeOffset expiresAt) => new(RefreshTokenStatus.Success, token, subject, familyId, expiresAt);

    internal static RefreshTokenResult Failure(RefreshTokenStatus status, string? subject = null, string? familyId = null) => new(status, null, subject, familyId, null);
}
