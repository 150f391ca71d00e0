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

        var pipeline = new WebhookDispatchPipeline(harness.Processor, new WebhookDispatchSignal(harness.Time), OptionsOf(harness.Options), NullLogger<WebhookDispatchPipeline>.Instance);
        await pipeline.RunAsync("w", stopWhenIdle: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(harness.Store.Snapshot(), r => Assert.Equal(WebhookDeliveryState.Succeeded, r.State));
        Assert.Equal(ids.Order(StringComparer.Ordinal), harness.Handler.Requests.Select(r => r.Request.Headers.GetValues("webhook-id").Single()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_SlowEndpoint_DoesNotHoldBackOthers()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var harness = new ProcessorHarness(new ScriptedHandler(async (request, ct) =>
        {
            if (request.RequestUri!.Host == "slow.test")
            {
                await release.Task.WaitAsync(ct);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        }), o =>
        {
            o.BatchSize = 10;
            o.MaxInFlight = 40;
            o.MaxConcurrencyPerEndpoint = 2;
        });
        await harness.AddEndpointAsync("ep_slow", "http://slow.test/hook", ["slow"]);
        await harness.AddEndpointAsync("ep_fast", "http://fast.test/hook", ["fast"]);
        for (var i = 0; i < 5; i++)
        {
            await harness.Publisher.PublishAsync(new WebhookEvent("slow", Json.Of(i)));
        }

        for (var i = 0; i < 30; i++)
        {
            await harness.Publisher.PublishAsync(new WebhookEvent("fast", Json.Of(i)));
        }

        using var stop = new CancellationTokenSource();
        var pipeline = new WebhookDispatchPipeline(harness.Processor, new WebhookDispatchSignal(harness.Time), OptionsOf(harness.Options), NullLogger<WebhookDispatchPipeline>.Instance);
        var run = pipeline.RunAsync("w", stopWhenIdle: true, stop.Token);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (harness.Store.Snapshot().Count(r => r.EndpointId == "ep_fast" && r.State == WebhookDeliveryState.Succeeded) < 30)
        {
            await Task.Delay(10, timeout.Token);
        }

        Assert.All(harness.Store.Snapshot().Where(r => r.EndpointId == "ep_slow"), r => Assert.Equal(WebhookDeliveryState.Pending, r.State));
        release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.All(harness.Store.Snapshot(), r => Assert.Equal(WebhookDeliveryState.Succeeded, r.State));
    }

    private static Microsoft.Extensions.Options.IOptions<WebhookDeliveryOptions> OptionsOf(WebhookDeliveryOptions options) =>
        Microsoft.Extensions.Options.Options.Create(options);
}
