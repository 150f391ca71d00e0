namespace ApiKit.Security.Jwt;

/// <summary>The defaults of <see cref="JwtOptions"/>, in one place.</summary>
public static class JwtDefaults
{
    /// <summary>The default access-token lifetime: 15 minutes.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The default clock skew: 30 seconds.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>The default maximum token size: 8192 characters.</summary>
    public const int MaxTokenSize = 8192;

    /// <summary>The default token type: <c>at+jwt</c> (RFC 9068 access tokens).</summary>
    public const string TokenType = "at+jwt";

    /// <summary>The default validation cache capacity: 10000 tokens.</summary>
    public const int ValidationCacheCapacity = 10_000;

    /// <summary>The algorithms accepted when <see cref="JwtOptions.Algorithms"/> is empty: RS256, PS256 and ES256 (never HS256).</summary>
    public static IReadOnlyList<JwsAlgorithm> Algorithms { get; } = [JwsAlgorithm.RS256, JwsAlgorithm.PS256, JwsAlgorithm.ES256];

    /// <summary>The default authentication scheme name: <c>Bearer</c>.</summary>
    public const string AuthenticationScheme = "Bearer";

    /// <summary>The default JWKS path: <c>/.well-known/jwks.json</c>.</summary>
    public const string JwksPath = "/.well-known/jwks.json";
}
