namespace ApiKit.RateLimiting;

/// <summary>Which rate limit headers responses of limited endpoints carry.</summary>
[Flags]
public enum RateLimitHeaderMode
{
    /// <summary>No rate limit headers (a rejection still carries <c>Retry-After</c>).</summary>
    None = 0,

    /// <summary>The IETF <c>RateLimit-Policy</c> and <c>RateLimit</c> structured fields (draft-ietf-httpapi-ratelimit-headers).</summary>
    Ietf = 1,

    /// <summary>The legacy <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> (seconds) trio.</summary>
    Legacy = 2,
}
