using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiKit.Webhooks.Tests.Delivery;

/// <summary>The public signal an application calls after its commit, so committed rows are not left for the poll.</summary>
public sealed class DispatcherSignalTests
{
    [Fact]
    public async Task Notify_AfterRowsTheDispatcherMissed_SendsThemWithoutWaitingForThePoll()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK), o => o.PollInterval = TimeSpan.FromHours(1));
        await harness.AddEndpointAsync();
        var signal = new WebhookDispatchSignal(harness.Time);
        var pipeline = new WebhookDispatchPipeline(harness.Processor, signal, Microsoft.Extensions.Options.Options.Create(harness.Options), NullLogger<WebhookDispatchPipeline>.Instance);

        // The harness's publisher wakes a signal of its own, not this dispatcher's: like a wake-up sent before the commit.
        var first = await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync("w", stopWhenIdle: false, stop.Token);
        await WaitUntilSucceededAsync(harness, first);

        // Idle now, and the manual clock never reaches the poll: only the signal can make it claim again.
        var second = await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(2)));
        ((IWebhookDispatcherSignal)signal).Notify();
        await WaitUntilSucceededAsync(harness, second);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, harness.Handler.Requests.Count);
    }

    [Fact]
    public void AddWebhooks_RegistersTheSignalTheDispatcherWaitsOn()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddWebhooks().UseInMemoryStoreForTesting();
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<WebhookDispatchSignal>(), provider.GetRequiredService<IWebhookDispatcherSignal>());
    }

    private static async Task WaitUntilSucceededAsync(ProcessorHarness harness, string messageId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (harness.Store.Snapshot().Single(r => r.MessageId == messageId).State != WebhookDeliveryState.Succeeded)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
