namespace ApiKit.Security.Jwt;

/// <summary>Issues compact JWS access tokens signed with the key ring's current signing key.</summary>
public interface IJwtIssuer
{
    /// <summary>Issues a token for <paramref name="descriptor"/>.</summary>
    /// <param name="descriptor">The claims.</param>
    /// <returns>The compact token.</returns>
    string Issue(JwtTokenDescriptor descriptor);
}
