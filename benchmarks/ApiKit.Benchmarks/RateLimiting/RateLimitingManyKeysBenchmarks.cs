using System.Threading.RateLimiting;
using ApiKit.RateLimiting;
using BenchmarkDotNet.Attributes;

namespace ApiKit.Benchmarks.RateLimiting;

/// <summary>
/// 100,000 keys, every key already tracked, token buckets: <see cref="PartitionedRateLimiter.Create{TResource, TPartitionKey}"/>
/// with BCL token buckets (the baseline) against ApiKit's keyed limiter. Each invocation decides once for every key,
/// in creation order (<c>Sequential</c>: neighbouring keys, and the BCL's dictionary entries and limiters as well as
/// ApiKit's slots, were created next to each other, so memory is walked in order; only hash-placed buckets are random) or in a fixed-seed random order (<c>Shuffled</c>: what traffic from many
/// clients looks like, every decision a cache miss); both limiters see the same order. Each benchmark sets up only
/// its own limiter: the BCL's replenishment timer walks all 100,000 partitions every 100 ms, and that sweep must not
/// run beside the ApiKit measurement (it cost ApiKit's decision about 5 ns when both were alive).
/// </summary>
[Config(typeof(RateLimitingBenchmarkConfig))]
public class RateLimitingManyKeysBenchmarks
{
    private const int Keys = 100_000;
    private string[] _keys = null!;
    private string[] _order = null!;
    private PartitionedRateLimiter<string> _bcl = null!;
    private PartitionedRateLimiter<string> _apiKit = null!;

    [Params("Sequential", "Shuffled")]
    public string Order { get; set; } = "Sequential";

    [GlobalSetup(Target = nameof(BclPartitioned))]
    public void SetupBcl()
    {
        CreateKeys();
        _bcl = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1_000_000, TokensPerPeriod = 1_000_000, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
        }));
        foreach (var key in _keys)
        {
            _bcl.AttemptAcquire(key).Dispose();
        }
    }

    [GlobalSetup(Target = nameof(ApiKitKeyed))]
    public void SetupApiKit()
    {
        CreateKeys();
        _apiKit = ApiKitRateLimiter.CreateKeyed<string>(new RateLimitRule
        {
            Name = "bench", Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 1_000_000, Window = TimeSpan.FromSeconds(1),
        });
        foreach (var key in _keys)
        {
            _apiKit.AttemptAcquire(key).Dispose();
        }
    }

    [GlobalCleanup(Target = nameof(BclPartitioned))]
    public void CleanupBcl() => _bcl.Dispose();

    [GlobalCleanup(Target = nameof(ApiKitKeyed))]
    public void CleanupApiKit() => _apiKit.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Keys)]
    public int BclPartitioned()
    {
        var acquired = 0;
        foreach (var key in _order)
        {
            using var lease = _bcl.AttemptAcquire(key);
            acquired += lease.IsAcquired ? 1 : 0;
        }

        return acquired;
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public int ApiKitKeyed()
    {
        var acquired = 0;
        foreach (var key in _order)
        {
            using var lease = _apiKit.AttemptAcquire(key);
            acquired += lease.IsAcquired ? 1 : 0;
        }

        return acquired;
    }

    private void CreateKeys()
    {
        _keys = [.. Enumerable.Range(0, Keys).Select(i => $"client-{i}")];
        _order = [.. _keys];
        if (Order == "Shuffled")
        {
            new Random(20_26_11_21).Shuffle(_order);
        }
    }
}
