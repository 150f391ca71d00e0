using System.Threading.RateLimiting;
using ApiKit.RateLimiting.Tests.Limiters;
using ApiKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.RateLimiting.Tests.Algorithms;

public sealed class CoarseClockTests
{
    private static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void NowMicros_FirstReadAndReadAfterQuietPeriod_AreExact()
    {
        var time = new ManualTimeProvider();
        var clock = CoarseClock.For(time, Resolution);

        var first = clock.NowMicros();
        time.Advance(TimeSpan.FromSeconds(10));
        var afterQuiet = clock.NowMicros();

        Assert.Equal(0, first);
        Assert.Equal(10_000_000, afterQuiet);
    }

    [Fact]
    public void NowMicros_WhileRead_IsRefreshedByTheTimerAndNeverAheadOfTheProvider()
    {
        var time = new ManualTimeProvider();
        var clock = CoarseClock.For(time, Resolution);
        var start = clock.NowMicros();

        time.Advance(TimeSpan.FromMilliseconds(1.5));
        var midTick = clock.NowMicros();
        time.Advance(TimeSpan.FromMilliseconds(0.5));
        var atTick = clock.NowMicros();

        // Between ticks the value is the last tick's (up to one resolution stale), at a tick it is current.
        Assert.Equal(start + 1000, midTick);
        Assert.Equal(start + 2000, atTick);
        Assert.InRange(atTick, 0, (long)TimeSpan.FromTicks(time.GetTimestamp() - ManualTimeProvider.DefaultStart.UtcTicks).TotalMicroseconds);
    }

    [Fact]
    public void Timer_NoReadDuringATick_Stops()
    {
        var time = new ManualTimeProvider();
        var clock = CoarseClock.For(time, Resolution);

        clock.NowMicros();
        var whileRead = time.ActiveTimerCount;
        time.Advance(Resolution);
        var afterReadTick = time.ActiveTimerCount;
        time.Advance(Resolution);
        var afterIdleTick = time.ActiveTimerCount;
        clock.NowMicros();
        var restarted = time.ActiveTimerCount;

        Assert.Equal(1, whileRead);
        Assert.Equal(1, afterReadTick);
        Assert.Equal(0, afterIdleTick);
        Assert.Equal(1, restarted);
    }

    [Fact]
    public void For_SameProviderAndResolution_SharesOneClock()
    {
        var time = new ManualTimeProvider();

        Assert.Same(CoarseClock.For(time, Resolution), CoarseClock.For(time, Resolution));
        Assert.NotSame(CoarseClock.For(time, Resolution), CoarseClock.For(time, TimeSpan.FromMilliseconds(2)));
        Assert.NotSame(CoarseClock.For(time, Resolution), CoarseClock.For(new ManualTimeProvider(), Resolution));
    }

    [Fact]
    public void Limiter_DisposedAfterUse_LeavesNoTimerRunning()
    {
        var time = new ManualTimeProvider();
        var limiter = ApiKitRateLimiter.Create(AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.TokenBucket, 10, TimeSpan.FromSeconds(1)), time);
        limiter.AttemptAcquire().Dispose();
        var inUse = time.ActiveTimerCount;

        limiter.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(2));

        Assert.Equal(1, inUse);
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public void AttemptAcquire_TokenDueWithinOneResolution_CoarseWaitsForTheTickExactDoesNot()
    {
        // One token per 100 us, bucket of one.
        var rule = AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.TokenBucket, 10, TimeSpan.FromMilliseconds(1), burst: 1);
        var time = new ManualTimeProvider();
        using var coarse = ApiKitRateLimiter.Create(rule, time);
        using var exact = ApiKitRateLimiter.Create(rule, time, clockResolution: TimeSpan.Zero);
        coarse.AttemptAcquire().Dispose();
        exact.AttemptAcquire().Dispose();

        time.Advance(TimeSpan.FromMicroseconds(100));
        using var coarseEarly = coarse.AttemptAcquire();
        using var exactEarly = exact.AttemptAcquire();
        var coarseEarlyAcquired = coarseEarly.IsAcquired;
        coarseEarly.TryGetMetadata(MetadataName.RetryAfter, out var coarseRetry);
        time.Advance(TimeSpan.FromMicroseconds(900));
        using var coarseAtTick = coarse.AttemptAcquire();

        // The coarse clock still reads the start, so the token is not there yet: late, never early.
        Assert.False(coarseEarlyAcquired);
        Assert.Equal(TimeSpan.FromMicroseconds(100), coarseRetry);
        Assert.True(exactEarly.IsAcquired);
        Assert.True(coarseAtTick.IsAcquired);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void Create_ClockResolutionOutOfRange_Throws(int milliseconds)
    {
        var rule = AlgorithmRateLimiterTests.Rule(RateLimitAlgorithm.FixedWindow, 10, TimeSpan.FromSeconds(1));

        Assert.Throws<ArgumentOutOfRangeException>(() => ApiKitRateLimiter.Create(rule, clockResolution: TimeSpan.FromMilliseconds(milliseconds)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ApiKitRateLimiter.CreateKeyed<string>(rule, clockResolution: TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public void Options_ClockResolutionAboveOneSecond_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddApiKitRateLimiting(o =>
        {
            o.ClockResolution = TimeSpan.FromSeconds(2);
            o.AddPolicy("main", new RateLimitPolicyLimit { Name = "ip", PermitLimit = 1, PartitionBy = RateLimitPartitions.ClientIp });
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ApiKitRateLimitingOptions>>().Value);
        Assert.Contains(nameof(ApiKitRateLimitingOptions.ClockResolution), error.Message, StringComparison.Ordinal);
    }
}
