namespace ApiKit.RateLimiting;

/// <summary>The defaults of <see cref="ApiKitRateLimitingOptions"/> and <see cref="ClientIpOptions"/>.</summary>
public static class ApiKitRateLimitingDefaults
{
    /// <summary>The configuration section bound by default: <c>ApiKit:RateLimiting</c>.</summary>
    public const string SectionName = "ApiKit:RateLimiting";

    /// <summary>The default user claim: <c>sub</c>.</summary>
    public const string UserClaimType = "sub";

    /// <summary>The default API key header: <c>X-Api-Key</c>.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The default forwarded header: <c>X-Forwarded-For</c>.</summary>
    public const string ForwardedForHeader = "X-Forwarded-For";

    /// <summary>The default number of forwarded hops examined: 8.</summary>
    public const int MaxForwardedHops = 8;

    /// <summary>The default headers: <see cref="RateLimitHeaderMode.Ietf"/>.</summary>
    public const RateLimitHeaderMode Headers = RateLimitHeaderMode.Ietf;

    /// <summary>The default interval at which keys at rest are evicted: 1 minute.</summary>
    public static readonly TimeSpan EvictionInterval = TimeSpan.FromMinutes(1);
}
