using System.Threading.RateLimiting;
using ApiKit.RateLimiting;
using BenchmarkDotNet.Attributes;

namespace ApiKit.Benchmarks.RateLimiting;

/// <summary>
/// One key, accepted decisions: ApiKit's limiter against the BCL limiter of the same algorithm (the baseline).
/// Quotas are large enough that every decision is accepted, which is the hot path.
/// </summary>
public class RateLimitingSingleKeyBenchmarks
{
    private RateLimiter _bcl = null!;
    private RateLimiter _apiKit = null!;

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
        _apiKit = ApiKitRateLimiter.Create(new RateLimitRule { Name = "bench", Algorithm = algorithm, PermitLimit = Limit, Window = window });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bcl.Dispose();
        _apiKit.Dispose();
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
    /// One read of the monotonic clock through <see cref="TimeProvider.System"/>, which every ApiKit decision makes
    /// (exact continuous refill needs the time) and the timer-replenished BCL limiters do not: the floor of the gap.
    /// </summary>
    [Benchmark]
    public long ClockRead() => TimeProvider.System.GetTimestamp();
}
