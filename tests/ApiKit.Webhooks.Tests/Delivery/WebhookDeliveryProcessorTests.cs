using System.Net;
using System.Text;

namespace ApiKit.Webhooks.Tests.Delivery;

public sealed class WebhookDeliveryProcessorTests
{
    [Fact]
    public async Task RunOnce_Success_SignedRequestVerifiesAtReceiver()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK));
        var endpoint = await harness.AddEndpointAsync();
        var id = await harness.Publisher.PublishAsync(new WebhookEvent("user.created", Json.Of(new { id = 1 })));

        Assert.Equal(1, await harness.RunAsync());

        var (request, body) = Assert.Single(harness.Handler.Requests);
        var receiverOptions = new WebhookReceiverOptions();
        receiverOptions.Secrets.Add(endpoint.Secrets[0].Secret);
        var verifier = new WebhookVerifier(receiverOptions, harness.Time);
        Assert.Equal(id, request.Headers.GetValues("webhook-id").Single());
        Assert.Equal(WebhookVerificationStatus.Valid, verifier.Verify(
            id, request.Headers.GetValues("webhook-timestamp").Single(), request.Headers.GetValues("webhook-signature").Single(), body));
        Assert.Contains("\"type\":\"user.created\"", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        Assert.Equal(WebhookDeliveryState.Succeeded, Assert.Single(harness.Store.Snapshot()).State);
        var attempt = Assert.Single(await harness.Store.ListAttemptsAsync(endpoint.Id, id, 10, CancellationToken.None));
        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(200, attempt.StatusCode);
    }

    [Fact]
    public async Task RunOnce_AttemptsOfEachOutcome_CountedUnderTheOutcomesName()
    {
        // The meter is process-wide and other tests deliver at the same time: assert what was seen, not how often.
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ApiKit.Webhooks" && instrument.Name == "apikit.webhooks.attempts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    seen.TryAdd((string)tag.Value!, 0);
                }
            }
        });
        listener.Start();

        foreach (var status in new[] { HttpStatusCode.OK, HttpStatusCode.InternalServerError })
        {
            var harness = new ProcessorHarness(new ScriptedHandler(status));
            await harness.AddEndpointAsync();
            await harness.Publisher.PublishAsync(new WebhookEvent("user.created", Json.Of(new { id = 1 })));
            Assert.Equal(1, await harness.RunAsync());
        }

        Assert.Contains(nameof(WebhookAttemptOutcome.Succeeded), seen.Keys);
        Assert.Contains(nameof(WebhookAttemptOutcome.HttpError), seen.Keys);
        Assert.All(seen.Keys, name => Assert.Contains(name, Enum.GetNames<WebhookAttemptOutcome>()));
    }

    [Fact]
    public async Task Deliver_LessLeaseLeftThanAnAttempt_HandsItBackWithoutSending()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK));
        await harness.AddEndpointAsync();
        await harness.Publisher.PublishAsync(new WebhookEvent("user.created", Json.Of(new { id = 1 })));
        var round = await harness.Processor.ClaimAsync("worker", 10, CancellationToken.None);

        // Queued behind slow predecessors until less than one attempt timeout of the lease is left.
        harness.Time.Advance(harness.Options.LeaseDuration - harness.Options.AttemptTimeout + TimeSpan.FromSeconds(1));
        var result = await round.DeliverAsync(0, CancellationToken.None);
        await harness.Processor.RecordAsync([result]);

        Assert.Empty(harness.Handler.Requests);
        Assert.Equal(WebhookDeliveryState.Pending, result.State);
        Assert.Null(result.Attempt);
        Assert.Equal(1, await harness.RunAsync());
        Assert.Single(harness.Handler.Requests);
    }

    [Fact]
    public async Task Claim_CachedCopyDisabledButEndpointEnabledSince_DeliversInsteadOfDeadLettering()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK));
        var endpoint = await harness.AddEndpointAsync();
        var cache = new EndpointCache(harness.Time);
        cache.Set(endpoint.Id, endpoint with { Enabled = false });
        await harness.Publisher.PublishAsync(new WebhookEvent("user.created", Json.Of(new { id = 1 })));

        var round = await harness.Processor.ClaimAsync("worker", 10, CancellationToken.None, cache);
        var result = await round.DeliverAsync(0, CancellationToken.None);

        Assert.Equal(WebhookDeliveryState.Succeeded, result.State);
        Assert.Single(harness.Handler.Requests);
    }

    [Fact]
    public async Task RunOnce_AlwaysFailing_FollowsSvixScheduleThenDeadLetters()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.InternalServerError));
        await harness.AddEndpointAsync();
        await harness.Publisher.PublishAsync(new WebhookEvent("a.b", Json.Of(1)));
        var schedule = WebhookDeliveryDefaults.RetrySchedule;

        for (var attempt = 1; attempt <= schedule.Count; attempt++)
        {
            Assert.Equal(1, await harness.RunAsync());
            var row = Assert.Single(harness.Store.Snapshot());
            Assert.Equal(attempt, row.AttemptCount);
            if (attempt == schedule.Count)
            {
                Assert.Equal(WebhookDeliveryState.Failed, row.State);
                break;
            }

            Assert.Equal(WebhookDeliveryState.Pending, row.State);
            Assert.Equal(harness.Time.GetUtcNow() + schedule[attempt], row.NextAttemptAt);
            if (schedule[attempt] > TimeSpan.Zero)
            {
                harness.Time.Advance(schedule[attempt] - TimeSpan.FromMilliseconds(1));
                Assert.Equal(0, await harness.RunAsync());
                harness.Time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        Assert.Equal(8, harness.Handler.Requests.Count);
        Assert.Equal(0, await harness.RunAsync());
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.999999, 1.2)]
    public void NextAttemptAt_Jitter_StaysWithinFactor(double random, double expectedFactor)
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK));
        harness.Processor.NextRandom = () => random;
        var now = harness.Time.GetUtcNow();

        var next = harness.Processor.NextAttemptAt(2, now, null);

        Assert.Equal(TimeSpan.FromMinutes(5).TotalSeconds * expectedFactor, (next!.Value - now).TotalSeconds, 2);
    }

    [Fact]
    public async Task RunOnce_Gone_DisablesEndpointAndDeadLettersTheRest()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.Gone));
        WebhookEndpointDisabledContext? disabled = null;
        harness.Options.OnEndpointDisabled = c =>
        {
            disabled = c;
            return ValueTask.CompletedTask;
        };
        await harness.AddEndpointAsync();
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));
        Assert.Equal(1, await harness.RunAsync());
        await harness.Store.RedeliverAsync("ep_1", harness.Store.Snapshot()[0].MessageId, harness.Time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(1, await harness.RunAsync());

        var endpoint = await harness.Store.GetAsync("ep_1", CancellationToken.None);
        Assert.False(endpoint!.Enabled);
        Assert.Equal("gone", endpoint.DisabledReason);
        Assert.Equal("gone", disabled?.Reason);
        Assert.All(harness.Store.Snapshot(), r => Assert.Equal(WebhookDeliveryState.Failed, r.State));
        Assert.Single(harness.Handler.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task RunOnce_RetryAfterDelta_Honoured(HttpStatusCode status)
    {
        var harness = new ProcessorHarness(new ScriptedHandler((_, _) =>
        {
            var response = new HttpResponseMessage(status);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(120));
            return Task.FromResult(response);
        }));
        await harness.AddEndpointAsync();
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));

        await harness.RunAsync();

        Assert.Equal(harness.Time.GetUtcNow() + TimeSpan.FromSeconds(120), harness.Store.Snapshot()[0].NextAttemptAt);
    }

    [Fact]
    public async Task RunOnce_RetryAfterDate_HonouredAndCapped()
    {
        var harness = new ProcessorHarness(new ScriptedHandler((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000).AddDays(30));
            return Task.FromResult(response);
        }));
        await harness.AddEndpointAsync();
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));

        await harness.RunAsync();

        Assert.Equal(harness.Time.GetUtcNow() + WebhookDeliveryDefaults.MaxRetryAfter, harness.Store.Snapshot()[0].NextAttemptAt);
    }

    [Fact]
    public async Task RunOnce_FailingLongerThanLimit_DisablesEndpoint()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.InternalServerError), o =>
        {
            o.RetrySchedule = [.. Enumerable.Repeat(TimeSpan.FromMinutes(20), 10)];
            o.JitterFactor = 0;
            o.DisableAfterFailingFor = TimeSpan.FromHours(1);
        });
        var disabledAt = (DateTimeOffset?)null;
        harness.Options.OnEndpointDisabled = c =>
        {
            disabledAt = c.DisabledAt;
            return ValueTask.CompletedTask;
        };
        await harness.AddEndpointAsync();
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));
        var start = harness.Time.GetUtcNow();

        for (var i = 0; i < 6 && disabledAt is null; i++)
        {
            await harness.RunAsync();
            harness.Time.Advance(TimeSpan.FromMinutes(20));
        }

        Assert.Equal(start + TimeSpan.FromHours(1), disabledAt);
        var endpoint = await harness.Store.GetAsync("ep_1", CancellationToken.None);
        Assert.False(endpoint!.Enabled);
        Assert.Equal("failing", endpoint.DisabledReason);
    }

    [Fact]
    public async Task RunOnce_SuccessAfterFailures_ClearsFailingSince()
    {
        var fail = true;
        var harness = new ProcessorHarness(new ScriptedHandler((_, _) => Task.FromResult(new HttpResponseMessage(fail ? HttpStatusCode.BadGateway : HttpStatusCode.OK))));
        await harness.AddEndpointAsync();
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));
        await harness.RunAsync();
        Assert.NotNull((await harness.Store.GetAsync("ep_1", CancellationToken.None))!.FailingSince);

        fail = false;
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        await harness.RunAsync();

        Assert.Null((await harness.Store.GetAsync("ep_1", CancellationToken.None))!.FailingSince);
    }

    [Fact]
    public async Task RunOnce_ConsecutiveFailures_OpenCircuitPostponesWithoutSpendingAttempts()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.InternalServerError), o =>
        {
            o.CircuitBreaker.ConsecutiveFailures = 2;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(1);
            o.MaxConcurrencyPerEndpoint = 1;
        });
        await harness.AddEndpointAsync();
        for (var i = 0; i < 3; i++)
        {
            await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(i)));
        }

        harness.Options.BatchSize = 2;
        await harness.RunAsync();
        await harness.RunAsync();

        var third = harness.Store.Snapshot()[2];
        Assert.Equal(2, harness.Handler.Requests.Count);
        Assert.Equal(0, third.AttemptCount);
        Assert.Equal(harness.Time.GetUtcNow() + TimeSpan.FromMinutes(1), third.NextAttemptAt);
    }

    [Fact]
    public async Task RunOnce_AttemptTimeout_RecordsTimedOut()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var harness = new ProcessorHarness(new ScriptedHandler(async (_, ct) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }), o => o.AttemptTimeout = TimeSpan.FromSeconds(3));
        await harness.AddEndpointAsync();
        var id = await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));

        var run = harness.RunAsync();
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        harness.Time.Advance(TimeSpan.FromSeconds(3));
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var attempt = Assert.Single(await harness.Store.ListAttemptsAsync("ep_1", id, 10, CancellationToken.None));
        Assert.Equal(WebhookAttemptOutcome.TimedOut, attempt.Outcome);
        Assert.Equal(WebhookDeliveryState.Pending, harness.Store.Snapshot()[0].State);
    }

    [Fact]
    public async Task RunOnce_TimeoutSourcesReused_EachAttemptGetsItsOwnFullTimeout()
    {
        var hang = false;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var harness = new ProcessorHarness(new ScriptedHandler(async (_, ct) =>
        {
            if (hang)
            {
                entered.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        }), o => o.AttemptTimeout = TimeSpan.FromSeconds(3));
        await harness.AddEndpointAsync();

        // A finished attempt's source goes back reset: the clock moving on must not cancel it.
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));
        Assert.Equal(1, await harness.RunAsync());
        harness.Time.Advance(TimeSpan.FromSeconds(10));

        // The next attempt reuses it, with a whole timeout from its own start.
        hang = true;
        var timedOut = await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(2)));
        var run = harness.RunAsync();
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(run.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebhookAttemptOutcome.TimedOut, Assert.Single(await harness.Store.ListAttemptsAsync("ep_1", timedOut, 10, CancellationToken.None)).Outcome);

        // The cancelled source is not handed out again: the attempt after a timeout succeeds.
        hang = false;
        var next = await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(3)));
        await harness.RunAsync();
        Assert.Equal(WebhookAttemptOutcome.Succeeded, Assert.Single(await harness.Store.ListAttemptsAsync("ep_1", next, 10, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task RunOnce_RateLimitPerSecond_PostponesExcessToNextSecond()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK));
        var endpoint = await harness.AddEndpointAsync();
        await harness.Store.UpdateAsync(endpoint with { RateLimitPerSecond = 1 }, CancellationToken.None);
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(2)));

        await harness.RunAsync();

        Assert.Single(harness.Handler.Requests);
        var postponed = harness.Store.Snapshot().Single(r => r.State == WebhookDeliveryState.Pending);
        Assert.Equal(0, postponed.AttemptCount);
        Assert.Equal(harness.Time.GetUtcNow().AddSeconds(1), postponed.NextAttemptAt);
    }

    [Fact]
    public async Task RunOnce_HttpUrlWhenHttpsRequired_Blocked()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK), o => o.RequireHttps = true);
        await harness.AddEndpointAsync();
        var id = await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));

        await harness.RunAsync();

        Assert.Empty(harness.Handler.Requests);
        Assert.Equal(WebhookAttemptOutcome.Blocked, (await harness.Store.ListAttemptsAsync("ep_1", id, 1, CancellationToken.None))[0].Outcome);
    }

    [Fact]
    public async Task RunOnce_LargeResponse_ReadCappedAndLogged()
    {
        var harness = new ProcessorHarness(
            new ScriptedHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent(new string('z', 100_000)) })),
            o => o.MaxResponseBytes = 100);
        await harness.AddEndpointAsync();
        var id = await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));

        await harness.RunAsync();

        var attempt = (await harness.Store.ListAttemptsAsync("ep_1", id, 1, CancellationToken.None))[0];
        Assert.Equal(100, attempt.Response!.Length);
        Assert.Equal(400, attempt.StatusCode);
    }

    [Fact]
    public async Task RunOnce_RotatedSecret_SignsWithBothUntilExpiry()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK));
        var current = WebhookSecret.Generate();
        var old = WebhookSecret.Generate();
        await harness.AddEndpointAsync(secrets: [new WebhookEndpointSecret(current.ToString(), null), new WebhookEndpointSecret(old.ToString(), harness.Time.GetUtcNow().AddHours(1))]);
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(1)));
        await harness.RunAsync();
        harness.Time.Advance(TimeSpan.FromHours(1));
        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(2)));
        await harness.RunAsync();

        var signatures = harness.Handler.Requests.Select(r => r.Request.Headers.GetValues("webhook-signature").Single().Split(' ')).ToList();
        Assert.Equal(2, signatures[0].Length);
        Assert.Single(signatures[1]);
        var (request, body) = harness.Handler.Requests[0];
        var ts = long.Parse(request.Headers.GetValues("webhook-timestamp").Single());
        Assert.True(WebhookSigner.Verify(old.Key, request.Headers.GetValues("webhook-id").Single(), ts, body, signatures[0][1]));
    }

    [Fact]
    public async Task Publish_WildcardSubscriptions_FanOutOnlyToMatches()
    {
        var harness = new ProcessorHarness(new ScriptedHandler(HttpStatusCode.OK));
        await harness.AddEndpointAsync("ep_msg", events: ["message.*"]);
        await harness.AddEndpointAsync("ep_user", events: ["user.created"]);
        await harness.AddEndpointAsync("ep_all", events: ["*"]);

        await harness.Publisher.PublishAsync(new WebhookEvent("message.sent", Json.Of(1)));

        Assert.Equal(["ep_all", "ep_msg"], harness.Store.Snapshot().Select(r => r.EndpointId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Claim_OrderingKey_HoldsLaterMessagesUntilEarlierDone()
    {
        var fail = true;
        var harness = new ProcessorHarness(new ScriptedHandler((_, _) => Task.FromResult(new HttpResponseMessage(fail ? HttpStatusCode.InternalServerError : HttpStatusCode.OK))), o => o.EnableOrdering = true);
        await harness.AddEndpointAsync();
        for (var i = 0; i < 3; i++)
        {
            await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(i)) { OrderingKey = "room-1" });
        }

        await harness.Publisher.PublishAsync(new WebhookEvent("a", Json.Of(9)) { OrderingKey = "room-2" });

        Assert.Equal(2, await harness.RunAsync());
        fail = false;
        harness.Time.Advance(TimeSpan.FromSeconds(6));
        for (var i = 0; i < 5; i++)
        {
            await harness.RunAsync();
        }

        var room1 = harness.Handler.Requests
            .Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement)
            .Where(e => e.GetProperty("data").GetInt32() < 9)
            .Select(e => e.GetProperty("data").GetInt32())
            .ToList();
        Assert.Equal([0, 0, 1, 2], room1);
    }
}
