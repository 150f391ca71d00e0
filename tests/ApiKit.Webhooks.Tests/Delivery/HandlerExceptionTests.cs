using System.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiKit.Webhooks.Tests.Delivery;

/// <summary>Whatever a handler in the delivery client's pipeline throws is a failed attempt: recorded, retried, never a stall.</summary>
public sealed class HandlerExceptionTests
{
    [Fact]
    public async Task RunOnce_HandlerThrowsCustomException_RecordsSanitizedFailedAttemptAndRetriesOnSchedule()
    {
        var broken = true;
        const string Token = "tok-7f3a9c";
        const string HeaderValue = "Bearer header-secret-42";
        var harness = new ProcessorHarness(new ScriptedHandler((request, _) => broken
            ? throw new CircuitRejectedForTestException($"Rejected {request.RequestUri} with {HeaderValue}.")
            : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK))), o =>
        {
            o.RetrySchedule = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)];
            o.JitterFactor = 0;
        });
        var endpoint = await harness.AddEndpointAsync(url: $"http://receiver.test/hook?token={Token}");
        await harness.Store.UpdateAsync(endpoint with { Headers = new Dictionary<string, string> { ["Authorization"] = HeaderValue } }, CancellationToken.None);
        var id = await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));

        Assert.Equal(1, await harness.RunAsync());

        var record = Assert.Single(harness.Store.Snapshot());
        Assert.Equal(WebhookDeliveryState.Pending, record.State);
        Assert.Equal(1, record.AttemptCount);
        Assert.Equal(harness.Time.GetUtcNow() + TimeSpan.FromMinutes(1), record.NextAttemptAt);
        var attempt = Assert.Single(await harness.Store.ListAttemptsAsync(endpoint.Id, id, 10, CancellationToken.None));
        Assert.Equal(WebhookAttemptOutcome.NetworkError, attempt.Outcome);
        Assert.Null(attempt.StatusCode);
        Assert.Contains(nameof(CircuitRejectedForTestException), attempt.Response, StringComparison.Ordinal);
        Assert.Contains("Rejected http://receiver.test with ***.", attempt.Response, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, attempt.Response, StringComparison.Ordinal);
        Assert.DoesNotContain("header-secret", attempt.Response, StringComparison.Ordinal);

        broken = false;
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await harness.RunAsync());
        Assert.Equal(WebhookDeliveryState.Succeeded, Assert.Single(harness.Store.Snapshot()).State);
        Assert.Equal(2, harness.Handler.Requests.Count);
    }

    [Fact]
    public async Task Run_MoreThrowingDeliveriesThanInFlightSlots_RecordsEachAndStillDeliversToHealthyEndpoint()
    {
        var harness = new ProcessorHarness(new ScriptedHandler((request, _) => request.RequestUri!.Host == "broken.test"
            ? throw new CircuitRejectedForTestException("The circuit is open.")
            : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK))), o =>
        {
            o.BatchSize = 2;
            o.MaxInFlight = 4;
            o.MaxConcurrencyPerEndpoint = 1;
            o.RetrySchedule = [TimeSpan.Zero, TimeSpan.FromMinutes(1)];
            o.JitterFactor = 0;
        });
        await harness.AddEndpointAsync("ep_broken", "http://broken.test/hook", ["broken"]);
        await harness.AddEndpointAsync("ep_healthy", "http://healthy.test/hook", ["healthy"]);
        for (var i = 0; i < 12; i++)
        {
            await harness.Publisher.PublishAsync(new WebhookEvent("broken", Json.Of(i)));
        }

        var healthy = await harness.Publisher.PublishAsync(new WebhookEvent("healthy", Json.Of(0)));

        var pipeline = new WebhookDispatchPipeline(
            harness.Processor, new WebhookDispatchSignal(harness.Time), Microsoft.Extensions.Options.Options.Create(harness.Options), NullLogger<WebhookDispatchPipeline>.Instance);
        await pipeline.RunAsync("w", stopWhenIdle: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        var records = harness.Store.Snapshot();
        Assert.Equal(WebhookDeliveryState.Succeeded, Assert.Single(records, r => r.MessageId == healthy).State);
        var failed = records.Where(r => r.EndpointId == "ep_broken").ToList();
        Assert.Equal(12, failed.Count);
        Assert.All(failed, r =>
        {
            Assert.Equal(WebhookDeliveryState.Pending, r.State);
            Assert.Equal(1, r.AttemptCount);
            Assert.Equal(harness.Time.GetUtcNow() + TimeSpan.FromMinutes(1), r.NextAttemptAt);
        });
        Assert.Equal(12, (await harness.Store.ListAttemptsAsync("ep_broken", null, 100, CancellationToken.None)).Count(a => a.Outcome == WebhookAttemptOutcome.NetworkError));
    }

    private sealed class CircuitRejectedForTestException(string message) : Exception(message);
}
