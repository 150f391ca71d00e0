namespace ApiKit.Security.Jwt;

/// <summary>Why a token was rejected. <see cref="None"/> means the token is valid.</summary>
public enum JwtValidationError
{
    /// <summary>The token is valid.</summary>
    None = 0,

    /// <summary>No token was presented.</summary>
    Missing,

    /// <summary>The token is longer than <see cref="JwtOptions.MaxTokenSize"/>.</summary>
    TokenTooLarge,

    /// <summary>The token has five segments (a JWE); encrypted tokens are not accepted.</summary>
    EncryptedTokenNotSupported,

    /// <summary>The token is not three dot-separated segments, or a segment is not the expected JSON object.</summary>
    Malformed,

    /// <summary>A segment is not strict, unpadded, canonical base64url.</summary>
    InvalidBase64Url,

    /// <summary>The header or the claims set repeats a member name.</summary>
    DuplicateMember,

    /// <summary>The header says <c>alg: none</c>.</summary>
    AlgorithmNone,

    /// <summary>The <c>alg</c> header is missing, unknown, or not in <see cref="JwtOptions.Algorithms"/>.</summary>
    AlgorithmNotAllowed,

    /// <summary>The header carries a <c>crit</c> member; no extension is understood, so it is rejected (RFC 7515 4.1.11).</summary>
    UnsupportedCriticalHeader,

    /// <summary>The <c>typ</c> header is missing or is not <see cref="JwtOptions.TokenType"/>.</summary>
    InvalidType,

    /// <summary>The <c>kid</c> header is missing while <see cref="JwtOptions.RequireKeyId"/> is set.</summary>
    MissingKeyId,

    /// <summary>No key of the key ring has the token's <c>kid</c> (or, without <c>kid</c>, the token's algorithm).</summary>
    UnknownKey,

    /// <summary>The key named by <c>kid</c> is bound to a different algorithm than the token's <c>alg</c>.</summary>
    AlgorithmKeyMismatch,

    /// <summary>The signature does not verify.</summary>
    InvalidSignature,

    /// <summary>A registered claim has the wrong JSON type or an out-of-range value.</summary>
    InvalidClaim,

    /// <summary>The token has no <c>exp</c> claim.</summary>
    MissingExpiration,

    /// <summary>The token expired (beyond the clock skew).</summary>
    Expired,

    /// <summary>The token's <c>nbf</c> or <c>iat</c> is in the future (beyond the clock skew).</summary>
    NotYetValid,

    /// <summary>The <c>iss</c> claim is missing or is not <see cref="JwtOptions.Issuer"/>.</summary>
    InvalidIssuer,

    /// <summary>No <c>aud</c> value is one of <see cref="JwtOptions.Audiences"/>.</summary>
    InvalidAudience,
}
