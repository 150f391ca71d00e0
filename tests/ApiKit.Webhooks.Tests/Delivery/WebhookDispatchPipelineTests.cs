using ApiKit.Resilience.CircuitBreakers;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiKit.Webhooks.Tests.Delivery;

public sealed class WebhookDispatchPipelineTests
{
    [Fact]
    public async Task Run_StopWhenIdle_DeliversEverythingOnceAndRecordsIt()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK), o =>
        {
            o.BatchSize = 7;
            o.MaxInFlight = 20;
        });
        await harness.AddEndpointAsync();
        var ids = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            ids.Add(await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(i))));
        }

        var pipeline = PipelineOf(harness);
        await pipeline.RunAsync("w", stopWhenIdle: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(harness.Store.Snapshot(), r => Assert.Equal(WebhookDeliveryState.Succeeded, r.State));
        Assert.Equal(ids.Order(StringComparer.Ordinal), harness.Handler.Requests.Select(r => r.Request.Headers.GetValues("webhook-id").Single()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_SlowEndpoint_DoesNotHoldBackOthers()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var harness = await SlowAndFastAsync(release, batchSize: 10, maxInFlight: 40, concurrency: 2, slow: 5, fast: 30);

        using var stop = new CancellationTokenSource();
        var pipeline = PipelineOf(harness);
        var run = pipeline.RunAsync("w", stopWhenIdle: true, stop.Token);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (harness.Store.Snapshot().Count(r => r.EndpointId == "ep_fast" && r.State == WebhookDeliveryState.Succeeded) < 30)
        {
            await Task.Delay(10, timeout.Token);
        }

        Assert.All(harness.Store.Snapshot().Where(r => r.EndpointId == "ep_slow"), r => Assert.Equal(WebhookDeliveryState.Pending, r.State));
        await ReleaseThenAllArriveAsync(harness, release, run);
    }

    [Fact]
    public async Task Run_ResultWhileItsEndpointHasQueuedWork_HeldUntilTheHoldLimitThenRecorded()
    {
        var (harness, release) = await FirstOfSixFinishesAloneAsync(_ => { });
        var run = PipelineOf(harness).RunAsync("w", stopWhenIdle: true, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await WaitForRequestsAsync(harness, 5, timeout.Token);

        // The first result came while its endpoint still has queued deliveries (more results soon): it waits for
        // company, on the manual clock only, and one hold limit on that clock is enough to record it alone.
        await Task.Delay(200, timeout.Token);
        Assert.Equal(0, Succeeded(harness));
        harness.Time.Advance(TimeSpan.FromMilliseconds(20));
        await RecordedAloneThenAllAsync(harness, release, run, timeout.Token);
    }

    [Fact]
    public async Task Run_ResultCloseToItsLeaseEnd_RecordedWithoutBeingHeld()
    {
        // As above, but every claim's lease ends 60 ms after it was taken: a result with less than four hold limits
        // (80 ms) of its lease left is recorded at once, since held past its lease another claim could send it again.
        var (harness, release) = await FirstOfSixFinishesAloneAsync(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(50);
            o.LeaseDuration = TimeSpan.FromMilliseconds(60);
        });
        var run = PipelineOf(harness).RunAsync("w", stopWhenIdle: true, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await WaitForRequestsAsync(harness, 5, timeout.Token);

        // The manual clock does not move: no hold limit passes, no lease or attempt runs out.
        await RecordedAloneThenAllAsync(harness, release, run, timeout.Token);
    }

    [Fact]
    public async Task Run_HealthyEndpointFinishesWhileASlowOneHasQueuedWork_RecordsWithoutWaitingForTheHold()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var harness = await SlowAndFastAsync(release, batchSize: 2, maxInFlight: 10, concurrency: 1, slow: 6, fast: 1);
        var pipeline = PipelineOf(harness);
        var run = pipeline.RunAsync("w", stopWhenIdle: true, CancellationToken.None);

        // The slow endpoint's queue would keep results held, but the fast endpoint has nothing more queued: its
        // result is recorded without the manual clock moving at all.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        WebhookDeliveryState Fast() => harness.Store.Snapshot().Single(r => r.EndpointId == "ep_fast").State;
        while (Fast() != WebhookDeliveryState.Succeeded)
        {
            await Task.Delay(10, timeout.Token);
        }

        Assert.All(harness.Store.Snapshot().Where(r => r.EndpointId == "ep_slow"), r => Assert.Equal(WebhookDeliveryState.Pending, r.State));
        await ReleaseThenAllArriveAsync(harness, release, run);
    }

    [Fact]
    public async Task Run_DeadEndpoint_OpensItsOwnRegisteredBreakerAndOthersAllArrive()
    {
        var harness = new ProcessorHarness(new ScriptedHandler((request, _) => Task.FromResult(new HttpResponseMessage(
            request.RequestUri!.Host == "dead.test" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK))), o =>
        {
            o.BatchSize = 10;
            o.MaxInFlight = 40;
            o.MaxConcurrencyPerEndpoint = 1;
            o.CircuitBreaker.ConsecutiveFailures = 3;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(1);
        });
        await harness.AddEndpointAsync("ep_dead", "http://dead.test/hook", ["dead"]);
        await harness.AddEndpointAsync("ep_live", "http://live.test/hook", ["live"]);
        for (var i = 0; i < 20; i++)
        {
            await harness.Publisher.PublishAsync(new WebhookEvent("dead", Json.Of(i)));
            await harness.Publisher.PublishAsync(new WebhookEvent("live", Json.Of(i)));
        }

        var pipeline = PipelineOf(harness);
        await pipeline.RunAsync("w", stopWhenIdle: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        var records = harness.Store.Snapshot();
        Assert.All(records.Where(r => r.EndpointId == "ep_live"), r => Assert.Equal(WebhookDeliveryState.Succeeded, r.State));
        Assert.Equal(3, harness.Handler.Requests.Count(r => r.Request.RequestUri!.Host == "dead.test"));
        Assert.Equal(3, records.Where(r => r.EndpointId == "ep_dead").Sum(r => r.AttemptCount));
        Assert.All(records.Where(r => r.EndpointId == "ep_dead"), r => Assert.Equal(WebhookDeliveryState.Pending, r.State));
        var snapshots = harness.Breakers.GetSnapshots();
        Assert.Equal(CircuitState.Open, Assert.Single(snapshots, s => s.Name == "webhooks:ep_dead").State);
        Assert.Equal(CircuitState.Closed, Assert.Single(snapshots, s => s.Name == "webhooks:ep_live").State);
    }

    [Fact]
    public async Task RunOnce_OpenCircuitAfterBreak_OneProbeSuccessClosesIt()
    {
        var fail = true;
        var harness = new ProcessorHarness(new ScriptedHandler((_, _) => Task.FromResult(new HttpResponseMessage(fail ? HttpStatusCode.BadGateway : HttpStatusCode.OK))), o =>
        {
            o.CircuitBreaker.ConsecutiveFailures = 1;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
            o.RetrySchedule = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero];
            o.JitterFactor = 0;
        });
        await harness.AddEndpointAsync();
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));
        await harness.RunAsync();
        Assert.Equal(CircuitState.Open, harness.Processor.BreakerOf("ep_1").State);

        fail = false;
        await harness.RunAsync();
        Assert.Single(harness.Handler.Requests);
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        await harness.RunAsync();

        Assert.Equal(2, harness.Handler.Requests.Count);
        Assert.Equal(WebhookDeliveryState.Succeeded, harness.Store.Snapshot()[0].State);
        Assert.Equal(CircuitState.Closed, harness.Processor.BreakerOf("ep_1").State);
    }

    /// <summary>Endpoints ep_slow (whose requests wait for <paramref name="release"/>) and ep_fast, with messages for each.</summary>
    private static async Task<ProcessorHarness> SlowAndFastAsync(TaskCompletionSource release, int batchSize, int maxInFlight, int concurrency, int slow, int fast)
    {
        var harness = new ProcessorHarness(new ScriptedHandler(async (request, ct) =>
        {
            if (request.RequestUri!.Host == "slow.test")
            {
                await release.Task.WaitAsync(ct);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        }), o =>
        {
            o.BatchSize = batchSize;
            o.MaxInFlight = maxInFlight;
            o.MaxConcurrencyPerEndpoint = concurrency;
        });
        await harness.AddEndpointAsync("ep_slow", "http://slow.test/hook", ["slow"]);
        await harness.AddEndpointAsync("ep_fast", "http://fast.test/hook", ["fast"]);
        for (var i = 0; i < slow; i++)
        {
            await harness.Publisher.PublishAsync(new WebhookEvent("slow", Json.Of(i)));
        }

        for (var i = 0; i < fast; i++)
        {
            await harness.Publisher.PublishAsync(new WebhookEvent("fast", Json.Of(i)));
        }

        return harness;
    }

    /// <summary>
    /// Claims of two: [a, a], [b, c], [d, d]. The first "a" answers only once "d" was sent, so all six are claimed and
    /// unfinished when it finishes; every other request waits for <c>Release</c>.
    /// </summary>
    private static async Task<(ProcessorHarness Harness, TaskCompletionSource Release)> FirstOfSixFinishesAloneAsync(Action<WebhookDeliveryOptions> configure)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastClaimSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstA = 0;
        var harness = new ProcessorHarness(new ScriptedHandler(async (request, ct) =>
        {
            var host = request.RequestUri!.Host;
            if (host == "d.test")
            {
                lastClaimSent.TrySetResult();
            }

            await (host == "a.test" && Interlocked.Exchange(ref firstA, 1) == 0 ? lastClaimSent.Task : release.Task).WaitAsync(ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }), o =>
        {
            o.BatchSize = 2;
            o.MaxInFlight = 10;
            o.MaxConcurrencyPerEndpoint = 1;
            configure(o);
        });
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await harness.AddEndpointAsync("ep_" + name, $"http://{name}.test/hook", [name]);
        }

        foreach (var name in new[] { "a", "a", "b", "c", "d", "d" })
        {
            await harness.Publisher.PublishAsync(new WebhookEvent(name, Json.Of(0)));
        }

        return (harness, release);
    }

    /// <summary>Waits until the first result alone is recorded, then lets the others answer and checks all arrived.</summary>
    private static async Task RecordedAloneThenAllAsync(ProcessorHarness harness, TaskCompletionSource release, Task run, CancellationToken cancellationToken)
    {
        while (Succeeded(harness) != 1)
        {
            await Task.Delay(10, cancellationToken);
        }

        await ReleaseThenAllArriveAsync(harness, release, run);
    }

    /// <summary>Lets the held-back requests answer, waits for the run to end and checks every delivery arrived.</summary>
    private static async Task ReleaseThenAllArriveAsync(ProcessorHarness harness, TaskCompletionSource release, Task run)
    {
        release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.All(harness.Store.Snapshot(), r => Assert.Equal(WebhookDeliveryState.Succeeded, r.State));
    }

    private static async Task WaitForRequestsAsync(ProcessorHarness harness, int count, CancellationToken cancellationToken)
    {
        while (harness.Handler.Requests.Count < count)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    private static int Succeeded(ProcessorHarness harness) => harness.Store.Snapshot().Count(r => r.State == WebhookDeliveryState.Succeeded);

    private static WebhookDispatchPipeline PipelineOf(ProcessorHarness harness) =>
        new(harness.Processor, new WebhookDispatchSignal(harness.Time), OptionsOf(harness.Options), NullLogger<WebhookDispatchPipeline>.Instance);

    private static Microsoft.Extensions.Options.IOptions<WebhookDeliveryOptions> OptionsOf(WebhookDeliveryOptions options) =>
        Microsoft.Extensions.Options.Options.Create(options);
}
