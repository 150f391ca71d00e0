using System.Threading.RateLimiting;
using ApiKit.RateLimiting;
using BenchmarkDotNet.Attributes;

namespace ApiKit.Benchmarks.RateLimiting;

/// <summary>
/// One key, accepted decisions: ApiKit's limiter against the BCL limiter of the same algorithm (the baseline).
/// Quotas are large enough that every decision is accepted, which is the hot path. <see cref="ApiKit"/> uses the default
/// 1 ms clock resolution (a timer-refreshed timestamp, as the BCL limiters' replenishment timer), and
/// <see cref="ApiKitExactClock"/> reads <see cref="TimeProvider.System"/> on every decision (<c>ClockResolution = 0</c>).
/// </summary>
[Config(typeof(RateLimitingBenchmarkConfig))]
public class RateLimitingSingleKeyBenchmarks
{
    private RateLimiter _bcl = null!;
    private RateLimiter _apiKit = null!;
    private RateLimiter _apiKitExact = null!;

    [Params("TokenBucket", "FixedWindow", "SlidingWindow")]
    public string Algorithm { get; set; } = "TokenBucket";

    [GlobalSetup]
    public void Setup()
    {
        const int Limit = 1_000_000_000;
        var window = TimeSpan.FromSeconds(1);
        (_bcl, var algorithm) = Algorithm switch
        {
            "TokenBucket" => ((RateLimiter)new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Limit, TokensPerPeriod = Limit, ReplenishmentPeriod = window, QueueLimit = 0, AutoReplenishment = true,
            }), RateLimitAlgorithm.TokenBucket),
            "FixedWindow" => (new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = Limit, Window = window, QueueLimit = 0, AutoReplenishment = true,
            }), RateLimitAlgorithm.FixedWindow),
            _ => (new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = Limit, Window = window, SegmentsPerWindow = 2, QueueLimit = 0, AutoReplenishment = true,
            }), RateLimitAlgorithm.SlidingWindowCounter),
        };
        var rule = new RateLimitRule { Name = "bench", Algorithm = algorithm, PermitLimit = Limit, Window = window };
        _apiKit = ApiKitRateLimiter.Create(rule);
        _apiKitExact = ApiKitRateLimiter.Create(rule, clockResolution: TimeSpan.Zero);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bcl.Dispose();
        _apiKit.Dispose();
        _apiKitExact.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool Bcl()
    {
        using var lease = _bcl.AttemptAcquire();
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool ApiKit()
    {
        using var lease = _apiKit.AttemptAcquire();
        return lease.IsAcquired;
    }

    /// <summary>
    /// The same limiter reading the monotonic clock on every decision: exact refill and Retry-After, at the price of one
    /// <see cref="TimeProvider.GetTimestamp"/> (a vDSO call, tens of nanoseconds on a virtual machine).
    /// </summary>
    [Benchmark]
    public bool ApiKitExactClock()
    {
        using var lease = _apiKitExact.AttemptAcquire();
        return lease.IsAcquired;
    }
}
