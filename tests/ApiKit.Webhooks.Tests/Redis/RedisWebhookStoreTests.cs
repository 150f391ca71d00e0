using System.Text;
using ApiKit.Testing;
using ApiKit.Webhooks.Redis;

namespace ApiKit.Webhooks.Tests.Redis;

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis";
}

[Collection(RedisCollection.Name)]
public sealed class RedisWebhookStoreTests(RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private RedisWebhookStore _store = null!;

    public Task InitializeAsync()
    {
        _store = NewStore("t" + Guid.NewGuid().ToString("N")[..8]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Enqueue_ClaimRecordSuccess_RemovesDelivery()
    {
        await _store.EnqueueAsync(Message("msg_1"), ["ep_1", "ep_2"], null, CancellationToken.None);

        var claimed = await _store.ClaimAsync("w1", 10, Now, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(["ep_1", "ep_2"], claimed.Select(c => c.EndpointId).Order(StringComparer.Ordinal));
        Assert.All(claimed, c => Assert.Equal("{\"x\":1}", Encoding.UTF8.GetString(c.Message.Payload.Span)));
        await _store.RecordAsync([.. claimed.Select(c => new WebhookDeliveryResult(c, WebhookDeliveryState.Succeeded, null, Attempt(c, WebhookAttemptOutcome.Succeeded)))], Now, CancellationToken.None);
        Assert.Empty(await _store.ClaimAsync("w1", 10, Now, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Empty(await _store.ClaimAsync("w2", 10, Now, TimeSpan.Zero, CancellationToken.None));
        Assert.Single(await _store.ListAttemptsAsync("ep_1", "msg_1", 10, CancellationToken.None));
    }

    [Fact]
    public async Task Enqueue_WithTransaction_NotSupported()
    {
        await using var connection = Subscriptions.Sqlite.Connect(":memory:");
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        await Assert.ThrowsAsync<NotSupportedException>(() => _store.EnqueueAsync(Message("m"), ["e"], transaction, CancellationToken.None));
    }

    [Fact]
    public async Task Claim_DeadWorker_EntryReclaimedAfterLeaseAndStaleResultDropped()
    {
        await _store.EnqueueAsync(Message("msg_l"), ["ep_1"], null, CancellationToken.None);
        var lease = TimeSpan.FromMilliseconds(300);
        var first = Assert.Single(await _store.ClaimAsync("dead", 10, Now, lease, CancellationToken.None));
        Assert.Empty(await _store.ClaimAsync("other", 10, Now, lease, CancellationToken.None));

        // Redis measures idle time on its own clock, so the lease has to pass in real time here.
        await Task.Delay(lease + TimeSpan.FromMilliseconds(150));
        var second = Assert.Single(await _store.ClaimAsync("other", 10, Now, lease, CancellationToken.None));
        await _store.RecordAsync([new WebhookDeliveryResult(first, WebhookDeliveryState.Failed, null, null)], Now, CancellationToken.None);
        await _store.RecordAsync([new WebhookDeliveryResult(second, WebhookDeliveryState.Pending, Now.AddMinutes(5), Attempt(second, WebhookAttemptOutcome.HttpError))], Now, CancellationToken.None);

        Assert.Equal(first.DeliveryId, second.DeliveryId);
        Assert.Empty(await _store.ClaimAsync("x", 10, Now.AddMinutes(4), TimeSpan.FromMinutes(1), CancellationToken.None));
        var again = Assert.Single(await _store.ClaimAsync("x", 10, Now.AddMinutes(5), TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(1, again.AttemptCount);
        Assert.Equal("msg_l", again.Message.Id);
    }

    [Fact]
    public async Task Claim_ConcurrentConsumers_NeverShareAnEntry()
    {
        for (var i = 0; i < 60; i++)
        {
            await _store.EnqueueAsync(Message("msg_" + i), ["ep_1"], null, CancellationToken.None);
        }

        var batches = await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var mine = new List<string>();
            for (var round = 0; round < 10; round++)
            {
                mine.AddRange((await _store.ClaimAsync("w" + w, 4, Now, TimeSpan.FromMinutes(1), CancellationToken.None)).Select(d => d.DeliveryId));
            }

            return mine;
        })));

        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Distinct().Count());
    }

    [Fact]
    public async Task DeadLetters_RecoverAndRedeliver_QueueAgain()
    {
        await _store.EnqueueAsync(Message("msg_d"), ["ep_1"], null, CancellationToken.None);
        var claimed = Assert.Single(await _store.ClaimAsync("w", 10, Now, TimeSpan.FromMinutes(1), CancellationToken.None));
        await _store.RecordAsync([new WebhookDeliveryResult(claimed, WebhookDeliveryState.Failed, null, Attempt(claimed, WebhookAttemptOutcome.HttpError))], Now, CancellationToken.None);
        Assert.Empty(await _store.ClaimAsync("w", 10, Now.AddDays(1), TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(0, await _store.RecoverAsync("ep_1", Now.AddMinutes(1), Now, CancellationToken.None));
        Assert.Equal(1, await _store.RecoverAsync("ep_1", Now.AddMinutes(-1), Now, CancellationToken.None));
        var recovered = Assert.Single(await _store.ClaimAsync("w", 10, Now, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(0, recovered.AttemptCount);
        Assert.True(await _store.RedeliverAsync("ep_1", "msg_d", Now, CancellationToken.None));
        Assert.False(await _store.RedeliverAsync("ep_1", "msg_none", Now, CancellationToken.None));
        Assert.Single(await _store.ClaimAsync("w", 10, Now, TimeSpan.FromMinutes(1), CancellationToken.None));
        var attempt = Assert.Single(await _store.ListAttemptsAsync("ep_1", null, 10, CancellationToken.None));
        Assert.Equal(WebhookAttemptOutcome.HttpError, attempt.Outcome);
        Assert.Equal(500, attempt.StatusCode);
    }

    [Fact]
    public async Task Record_AcknowledgedEntries_StreamTrimmedButPendingAndUnreadKept()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        await using var store = NewStore(prefix);
        for (var i = 0; i < 400; i++)
        {
            await store.EnqueueAsync(Message("msg_" + i), ["ep_1"], null, CancellationToken.None);
        }

        // The oldest entries stay pending with a slow worker while later ones are delivered: nothing may be trimmed past them.
        var slow = await store.ClaimAsync("slow", 5, Now, TimeSpan.FromMinutes(1), CancellationToken.None);
        var fast = await store.ClaimAsync("fast", 300, Now, TimeSpan.FromMinutes(1), CancellationToken.None);
        await store.RecordAsync([.. fast.Select(d => Succeeded(d))], Now, CancellationToken.None);
        var unread = await store.ClaimAsync("fast", 200, Now, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(95, unread.Count);
        await store.RecordAsync([.. slow.Select(d => Succeeded(d))], Now, CancellationToken.None);
        Assert.Equal(5, (await store.ListAttemptsAsync("ep_1", null, 1000, CancellationToken.None)).Count(a => slow.Any(d => d.Message.Id == a.MessageId)));

        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();
        var before = (long)await db.ExecuteAsync("XLEN", "{" + prefix + "}:stream");
        Assert.InRange(before, 95, 400 - 305 + 100);

        await store.RecordAsync([.. unread.Select(d => Succeeded(d))], Now, CancellationToken.None);
        Assert.Empty(await store.ClaimAsync("x", 10, Now, TimeSpan.Zero, CancellationToken.None));
        Assert.InRange((long)await db.ExecuteAsync("XLEN", "{" + prefix + "}:stream"), 0, 100);
    }

    [Fact]
    public async Task Record_BatchOfTwoConsumers_EachRecordedUnderItsOwnLease()
    {
        await _store.EnqueueAsync(Message("msg_a"), ["ep_1"], null, CancellationToken.None);
        await _store.EnqueueAsync(Message("msg_b"), ["ep_1"], null, CancellationToken.None);
        var first = Assert.Single(await _store.ClaimAsync("w1", 1, Now, TimeSpan.FromMinutes(1), CancellationToken.None));
        var second = Assert.Single(await _store.ClaimAsync("w2", 1, Now, TimeSpan.FromMinutes(1), CancellationToken.None));

        // The same entry recorded under a lease it never held is dropped; its own lease's result is kept.
        await _store.RecordAsync([Succeeded(first), Succeeded(second), Succeeded(first with { LeaseToken = "w2" }) with { State = WebhookDeliveryState.Failed }], Now, CancellationToken.None);

        Assert.Empty(await _store.ClaimAsync("x", 10, Now, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(0, await _store.RecoverAsync("ep_1", Now.AddDays(-1), Now, CancellationToken.None));
    }

    [Fact]
    public async Task Claim_StoredMessage_RoundTripsEveryFieldAndReadsEarlierJsonFormat()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        await using var store = NewStore(prefix);
        var message = new WebhookMessage("msg_k", "room.créé", Encoding.UTF8.GetBytes("{\"é\":[1,2]}"), Now.AddMilliseconds(7), "room_1");
        await store.EnqueueAsync(message, ["ep_1"], null, CancellationToken.None);

        // A message stored by an earlier version, as JSON with a base64 payload.
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();
        await db.HashSetAsync("{" + prefix + "}:messages", "msg_old", "{\"type\":\"a.b\",\"payload\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"old\":1}")) + "\",\"createdAt\":1800000000000,\"orderingKey\":null}");
        await db.ExecuteAsync("XADD", "{" + prefix + "}:stream", "*", "m", "msg_old", "e", "ep_2", "a", "0", "c", "1800000000000");

        var claimed = await store.ClaimAsync("w", 10, Now, TimeSpan.FromMinutes(1), CancellationToken.None);

        var read = Assert.Single(claimed, d => d.Message.Id == "msg_k").Message;
        Assert.Equal(message.EventType, read.EventType);
        Assert.Equal(message.Payload.ToArray(), read.Payload.ToArray());
        Assert.Equal(message.CreatedAt, read.CreatedAt);
        Assert.Equal("room_1", read.OrderingKey);
        var old = Assert.Single(claimed, d => d.Message.Id == "msg_old").Message;
        Assert.Equal("{\"old\":1}", Encoding.UTF8.GetString(old.Payload.Span));
        Assert.Equal(Now, old.CreatedAt);
        Assert.Null(old.OrderingKey);
    }

    [Fact]
    public async Task Claim_MessageRemovedAmongOthers_OthersComeBackAndItsEntryIsDropped()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        await using var store = NewStore(prefix);
        for (var i = 0; i < 5; i++)
        {
            await store.EnqueueAsync(Message($"msg_{i}"), ["ep_1"], null, CancellationToken.None);
        }

        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await connection.GetDatabase().HashDeleteAsync("{" + prefix + "}:messages", "msg_2");

        var claimed = await store.ClaimAsync("w", 10, Now, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(["msg_0", "msg_1", "msg_3", "msg_4"], claimed.Select(d => d.Message.Id));
        Assert.All(claimed, d => Assert.Equal("{\"x\":1}", Encoding.UTF8.GetString(d.Message.Payload.Span)));

        // Dropped, not left pending: even with every lease expired, another consumer finds only the four.
        Assert.Equal(4, (await store.ClaimAsync("w2", 10, Now, TimeSpan.Zero, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Endpoints_CrudRoundTrip()
    {
        var endpoint = new WebhookEndpoint
        {
            Id = "ep_r",
            Url = "https://example.com",
            Events = ["message.*"],
            Secrets = [new WebhookEndpointSecret(WebhookSecret.Generate().ToString(), Now)],
            Headers = new Dictionary<string, string> { ["X-A"] = "b" },
            RateLimitPerSecond = 3,
            CreatedAt = Now,
        };
        await _store.CreateAsync(endpoint, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.CreateAsync(endpoint, CancellationToken.None));

        var read = await _store.GetAsync("ep_r", CancellationToken.None);
        Assert.Equal(endpoint.Secrets, read!.Secrets);
        Assert.Equal("b", read.Headers["X-A"]);
        Assert.True(await _store.UpdateAsync(read with { Enabled = false }, CancellationToken.None));
        Assert.False((await _store.GetAsync("ep_r", CancellationToken.None))!.Enabled);
        Assert.Single(await _store.ListAsync(CancellationToken.None));
        Assert.True(await _store.DeleteAsync("ep_r", CancellationToken.None));
        Assert.False(await _store.UpdateAsync(read, CancellationToken.None));
    }

    internal RedisWebhookStore NewStore(string prefix) => new(new RedisWebhookStoreOptions { Configuration = redis.ConnectionString, KeyPrefix = prefix });

    private static WebhookDeliveryResult Succeeded(WebhookDelivery d) => new(d, WebhookDeliveryState.Succeeded, null, Attempt(d, WebhookAttemptOutcome.Succeeded));

    private static WebhookMessage Message(string id) => new(id, "a.b", Encoding.UTF8.GetBytes("{\"x\":1}"), Now, null);

    private static WebhookAttempt Attempt(WebhookDelivery d, WebhookAttemptOutcome outcome) =>
        new(d.Message.Id, d.EndpointId, d.AttemptCount + 1, Now, outcome, outcome == WebhookAttemptOutcome.Succeeded ? 200 : 500, TimeSpan.FromMilliseconds(5), "r");
}
