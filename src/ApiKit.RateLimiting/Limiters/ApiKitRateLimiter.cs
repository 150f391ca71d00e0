using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>Creates ApiKit rate limiters as <see cref="System.Threading.RateLimiting"/> abstractions.</summary>
public static class ApiKitRateLimiter
{
    /// <summary>The default interval at which keyed limiters evict keys whose state is at rest: 1 minute.</summary>
    public static readonly TimeSpan DefaultEvictionInterval = TimeSpan.FromMinutes(1);

    /// <summary>Creates a single-key limiter for <paramref name="rule"/>.</summary>
    /// <param name="rule">The rule; validated.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="clockResolution">How stale the time a decision uses may be (see
    /// <see cref="ApiKitRateLimitingOptions.ClockResolution"/>); <see cref="ApiKitRateLimitingDefaults.ClockResolution"/>
    /// (1 millisecond) when <see langword="null"/>, exact when <see cref="TimeSpan.Zero"/>.</param>
    /// <returns>A limiter whose leases carry <see cref="MetadataName.RetryAfter"/> and <see cref="RateLimitMetadata"/>.</returns>
    public static RateLimiter Create(RateLimitRule rule, TimeProvider? timeProvider = null, TimeSpan? clockResolution = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.EnsureValid();
        return new AlgorithmRateLimiter(rule, Clock(timeProvider, clockResolution));
    }

    /// <summary>
    /// Creates a limiter applying <paramref name="rule"/> to each key separately. Unlike
    /// <see cref="PartitionedRateLimiter.Create{TResource, TPartitionKey}"/>, keys do not share a lock, a decision on an
    /// existing key allocates nothing, and idle keys are evicted every <paramref name="evictionInterval"/>.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="rule">The rule; validated.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="evictionInterval">How often keys at rest are forgotten; <see cref="DefaultEvictionInterval"/> when <see langword="null"/>,
    /// never when <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="comparer">The key comparer, or <see langword="null"/> for the default one.</param>
    /// <param name="clockResolution">How stale the time a decision uses may be (see
    /// <see cref="ApiKitRateLimitingOptions.ClockResolution"/>); <see cref="ApiKitRateLimitingDefaults.ClockResolution"/>
    /// (1 millisecond) when <see langword="null"/>, exact when <see cref="TimeSpan.Zero"/>.</param>
    /// <returns>The keyed limiter.</returns>
    public static PartitionedRateLimiter<TKey> CreateKeyed<TKey>(
        RateLimitRule rule,
        TimeProvider? timeProvider = null,
        TimeSpan? evictionInterval = null,
        IEqualityComparer<TKey>? comparer = null,
        TimeSpan? clockResolution = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.EnsureValid();
        return new KeyedRateLimiter<TKey>(rule, Clock(timeProvider, clockResolution), evictionInterval ?? DefaultEvictionInterval, comparer);
    }

    private static RateLimitClock Clock(TimeProvider? timeProvider, TimeSpan? clockResolution)
    {
        var resolution = clockResolution ?? ApiKitRateLimitingDefaults.ClockResolution;
        ArgumentOutOfRangeException.ThrowIfLessThan(resolution, TimeSpan.Zero, nameof(clockResolution));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(resolution, ApiKitRateLimitingDefaults.MaxClockResolution, nameof(clockResolution));
        return new RateLimitClock(timeProvider ?? TimeProvider.System, resolution);
    }
}
