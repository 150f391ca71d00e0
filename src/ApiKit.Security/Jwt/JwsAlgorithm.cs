namespace ApiKit.Security.Jwt;

/// <summary>
/// The JWS algorithms (RFC 7518 section 3.1) that ApiKit issues and validates. Every key is bound to exactly one
/// of them, so the <c>alg</c> header of a token can only select among keys that were configured for that algorithm.
/// </summary>
public enum JwsAlgorithm
{
    /// <summary>RSASSA-PKCS1-v1_5 using SHA-256.</summary>
    RS256 = 1,

    /// <summary>RSASSA-PSS using SHA-256 and MGF1 with SHA-256.</summary>
    PS256 = 2,

    /// <summary>ECDSA using P-256 and SHA-256.</summary>
    ES256 = 3,

    /// <summary>HMAC using SHA-256. Accepted only when listed explicitly in <see cref="JwtOptions.Algorithms"/>.</summary>
    HS256 = 4,
}
