namespace ApiKit.Security.Jwt;

/// <summary>Validates compact JWS access tokens per RFC 7515, RFC 7519 and the RFC 8725 best practices.</summary>
public interface IJwtValidator
{
    /// <summary>Validates <paramref name="token"/>. Never throws for hostile input; the result carries the error.</summary>
    /// <param name="token">The compact token.</param>
    /// <returns>The validated token or the reason it was rejected.</returns>
    JwtValidationResult Validate(ReadOnlySpan<char> token);

    /// <summary>Drops every cached validation (call it after revoking tokens); a no-op when the cache is off.</summary>
    void ClearCache();
}
