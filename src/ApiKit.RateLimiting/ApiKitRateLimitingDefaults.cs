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

    /// <summary>
    /// The default clock resolution of in-memory limiters: 1 millisecond. Decisions read a timestamp refreshed by a
    /// timer at this interval instead of the system clock; <see cref="TimeSpan.Zero"/> reads the clock every time.
    /// </summary>
    public static readonly TimeSpan ClockResolution = TimeSpan.FromMilliseconds(1);

    /// <summary>The largest clock resolution accepted: 1 second.</summary>
    public static readonly TimeSpan MaxClockResolution = TimeSpan.FromSeconds(1);
}
