namespace ApiKit.Security.Tokens;

/// <summary>The outcome of exchanging a refresh token.</summary>
public enum RefreshTokenStatus
{
    /// <summary>The token was valid and has been replaced by a new one.</summary>
    Success = 0,

    /// <summary>The token is unknown or malformed.</summary>
    Invalid,

    /// <summary>The token or its family expired.</summary>
    Expired,

    /// <summary>The token was already used: a sign of theft, so its whole family has been revoked.</summary>
    Reused,

    /// <summary>The token's family was revoked (logout, reuse, or an administrator).</summary>
    Revoked,
}
