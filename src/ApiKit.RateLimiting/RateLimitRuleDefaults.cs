namespace ApiKit.RateLimiting;

/// <summary>The defaults of <see cref="RateLimitRule"/>.</summary>
public static class RateLimitRuleDefaults
{
    /// <summary>The default algorithm: <see cref="RateLimitAlgorithm.TokenBucket"/>.</summary>
    public const RateLimitAlgorithm Algorithm = RateLimitAlgorithm.TokenBucket;

    /// <summary>The default quota: 100 permits per window.</summary>
    public const long PermitLimit = 100;

    /// <summary>The default leaky bucket queue: none (a meter).</summary>
    public const int QueueLimit = 0;

    /// <summary>The default window: 1 minute.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
}
