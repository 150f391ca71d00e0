using ApiKit.RateLimiting.Tests.Limiters;
using ApiKit.Testing;
using Xunit.Abstractions;

namespace ApiKit.RateLimiting.Tests.Keyed;

public sealed class KeyedRateLimiterTests
{
    [Fact]
    public async Task AttemptAcquire_64ParallelCallersOnOneKey_AdmitExactlyTheLimitAndOtherKeysAreIndependent()
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.CreateKeyed<string>(AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.SlidingWindowLog, 300, TimeSpan.FromMinutes(1)), time);
        var admitted = 0;
        var callers = Enumerable.Range(0, 64).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                using var lease = limiter.AttemptAcquire("hot");
                if (lease.IsAcquired)
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        })).ToArray();
        await Task.WhenAll(callers);

        using var other = limiter.AttemptAcquire("cold");
        Assert.Equal(300, admitted);
        Assert.True(other.IsAcquired);
    }

    [Fact]
    public void Evict_KeysAtRest_AreForgottenWithoutChangingDecisions()
    {
        var time = new ManualTimeProvider();
        using var limiter = (KeyedRateLimiter<string>)ApiKitRateLimiter.CreateKeyed<string>(
            AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.TokenBucket, 2, TimeSpan.FromSeconds(10)), time, TimeSpan.FromSeconds(30));
        limiter.AttemptAcquire("idle").Dispose();
        time.Advance(TimeSpan.FromSeconds(25));
        limiter.AttemptAcquire("busy").Dispose();
        limiter.AttemptAcquire("busy").Dispose();

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, limiter.Store.Count);
        using var stillEmpty = limiter.AttemptAcquire("busy", 2);
        Assert.False(stillEmpty.IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_ExistingKey_AllocatesNothing()
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.CreateKeyed<string>(AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.FixedWindow, 1_000_000, TimeSpan.FromSeconds(1)), time);
        var keys = Enumerable.Range(0, 64).Select(i => $"k{i}").ToArray();
        foreach (var key in keys)
        {
            limiter.AttemptAcquire(key).Dispose();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            using var lease = limiter.AttemptAcquire(keys[i % keys.Length]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>Measures retained memory, so it must not share the heap with tests running in parallel.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

[Collection(nameof(MemoryMeasurement))]
public sealed class KeyedMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void AttemptAcquire_100kKeys_MemoryPerTrackedKeyIsSmall()
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.CreateKeyed<long>(AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.TokenBucket, 100, TimeSpan.FromMinutes(1)), time);
        const int Keys = 100_000;
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (long key = 0; key < Keys; key++)
        {
            limiter.AttemptAcquire(key).Dispose();
        }

        var perKey = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)Keys;
        output.WriteLine($"retained bytes per tracked key (token bucket, long key): {perKey:F1}");
        Assert.InRange(perKey, 1, 160);
        GC.KeepAlive(limiter);
    }
}
