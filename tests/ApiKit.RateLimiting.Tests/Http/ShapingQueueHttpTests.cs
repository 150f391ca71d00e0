using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.RateLimiting.Tests.Http;

public sealed class ShapingQueueHttpTests
{
    [Fact]
    public async Task Get_LeakyBucketQueue_WaitsForItsSlotAndRejectsBeyondTheQueue()
    {
        await using var app = await TestApp.StartAsync((services, _) => services.AddApiKitRateLimiting(o =>
            o.AddPolicy("main", new RateLimitPolicyLimit
            {
                Name = "shaped",
                Algorithm = RateLimitAlgorithm.LeakyBucket,
                PermitLimit = 10,
                Window = TimeSpan.FromSeconds(1),
                QueueLimit = 1,
                PartitionBy = RateLimitPartitions.Global,
            })));
        using var first = await app.GetAsync("/limited");
        var timers = app.Time.ActiveTimerCount;

        var queued = app.GetAsync("/limited");
        await WaitUntilAsync(() => app.Time.ActiveTimerCount > timers);
        using var overflow = await app.GetAsync("/limited");
        var waitedBeforeTimeMoved = queued.IsCompleted;
        app.Time.Advance(TimeSpan.FromMilliseconds(100));
        using var leaked = await queued;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(waitedBeforeTimeMoved);
        Assert.Equal(HttpStatusCode.TooManyRequests, overflow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, leaked.StatusCode);
    }

    // Only waits for the request to reach its timer (real time, bounded); the decision itself runs on the manual clock.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The request never reached the shaping queue.");
            await Task.Delay(10);
        }
    }
}
