using System.Threading.RateLimiting;
using ApiKit.Testing;

namespace ApiKit.RateLimiting.Tests.Limiters;

public sealed class AlgorithmRateLimiterTests
{
    public static TheoryData<RateLimitAlgorithm> Algorithms => LimitMathAlgorithms();

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task AttemptAcquire_64ParallelCallersOnOneKey_AdmitExactlyTheLimit(RateLimitAlgorithm algorithm)
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.Create(Rule(algorithm, 500, TimeSpan.FromHours(1), burst: algorithm == RateLimitAlgorithm.LeakyBucket ? 500 : null), time);
        var admitted = 0;
        using var start = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 64).Select(_ => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < 20; i++)
            {
                using var lease = limiter.AttemptAcquire();
                if (lease.IsAcquired)
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(callers);

        Assert.Equal(500, admitted);
    }

    [Fact]
    public void AttemptAcquire_Rejected_CarriesRetryAfterAndRemaining()
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.Create(Rule(RateLimitAlgorithm.FixedWindow, 2, TimeSpan.FromSeconds(10)), time);
        time.Advance(TimeSpan.FromSeconds(4));

        using (var first = limiter.AttemptAcquire())
        {
            Assert.True(first.IsAcquired);
            Assert.True(first.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining));
            Assert.Equal(1, remaining);
        }

        using var second = limiter.AttemptAcquire();
        using var third = limiter.AttemptAcquire();

        Assert.True(second.IsAcquired);
        Assert.False(third.IsAcquired);
        Assert.True(third.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(6), retryAfter);
        Assert.True(third.TryGetMetadata(RateLimitMetadata.Remaining, out var left));
        Assert.Equal(0, left);
    }

    [Fact]
    public void AttemptAcquire_TokenBucketWeightedCost_ConsumesCostAndRefillsContinuously()
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.Create(Rule(RateLimitAlgorithm.TokenBucket, 10, TimeSpan.FromSeconds(10), burst: 10), time);

        using var big = limiter.AttemptAcquire(8);
        using var tooBig = limiter.AttemptAcquire(3);
        time.Advance(TimeSpan.FromSeconds(1));
        using var refilled = limiter.AttemptAcquire(3);

        Assert.True(big.IsAcquired);
        Assert.False(tooBig.IsAcquired);
        Assert.True(tooBig.TryGetMetadata(MetadataName.RetryAfter, out var retry));
        Assert.Equal(TimeSpan.FromSeconds(1), retry);
        Assert.True(refilled.IsAcquired);
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(11));
    }

    [Fact]
    public async Task AcquireAsync_ShapingQueue_WaitsUntilTheRequestMayLeak()
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.Create(Rule(RateLimitAlgorithm.LeakyBucket, 10, TimeSpan.FromSeconds(1), queue: 2), time);

        using var first = await limiter.AcquireAsync();
        var second = limiter.AcquireAsync().AsTask();
        var third = limiter.AcquireAsync().AsTask();
        using var overflow = await limiter.AcquireAsync();

        Assert.True(first.IsAcquired);
        Assert.False(overflow.IsAcquired);
        Assert.False(second.IsCompleted);
        Assert.Equal(2, limiter.GetStatistics()!.CurrentQueuedCount);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True((await second).IsAcquired);
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True((await third).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_ShapingQueueCancelledTail_HandsItsSlotBack()
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.Create(Rule(RateLimitAlgorithm.LeakyBucket, 10, TimeSpan.FromSeconds(1), queue: 1), time);
        using var cts = new CancellationTokenSource();

        using var first = await limiter.AcquireAsync();
        var queued = limiter.AcquireAsync(1, cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        var again = limiter.AcquireAsync().AsTask();
        Assert.False(again.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True((await again).IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_ShapingQueueAskedSynchronously_RejectsWithTheWaitAsRetryAfter()
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.Create(Rule(RateLimitAlgorithm.LeakyBucket, 10, TimeSpan.FromSeconds(1), queue: 5), time);

        using var first = limiter.AttemptAcquire();
        using var second = limiter.AttemptAcquire();

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
        Assert.True(second.TryGetMetadata(MetadataName.RetryAfter, out var retry));
        Assert.Equal(TimeSpan.FromMilliseconds(100), retry);
    }

    [Fact]
    public void AttemptAcquire_ExistingState_AllocatesNothingPerAcceptedDecision()
    {
        var time = new ManualTimeProvider();
        using var limiter = ApiKitRateLimiter.Create(Rule(RateLimitAlgorithm.TokenBucket, 1_000_000, TimeSpan.FromSeconds(1)), time);
        for (var i = 0; i < 100; i++)
        {
            limiter.AttemptAcquire().Dispose();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            using var lease = limiter.AttemptAcquire();
            Assert.True(lease.IsAcquired);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Create_InvalidRule_Throws()
    {
        Assert.ThrowsAny<Exception>(() => ApiKitRateLimiter.Create(new RateLimitRule { Name = "bad name!" }));
        Assert.ThrowsAny<Exception>(() => ApiKitRateLimiter.Create(new RateLimitRule { Name = "q", QueueLimit = 3 }));
        Assert.ThrowsAny<Exception>(() => ApiKitRateLimiter.Create(new RateLimitRule { Name = "huge", PermitLimit = 1_000_000_000, Window = TimeSpan.FromDays(1) }));
    }

    internal static RateLimitRule Rule(RateLimitAlgorithm algorithm, long limit, TimeSpan window, long? burst = null, int queue = 0) =>
        new() { Name = "test", Algorithm = algorithm, PermitLimit = limit, Window = window, Burst = burst, QueueLimit = queue };

    private static TheoryData<RateLimitAlgorithm> LimitMathAlgorithms() =>
    [
        RateLimitAlgorithm.TokenBucket,
        RateLimitAlgorithm.LeakyBucket,
        RateLimitAlgorithm.FixedWindow,
        RateLimitAlgorithm.SlidingWindowLog,
        RateLimitAlgorithm.SlidingWindowCounter,
    ];
}
