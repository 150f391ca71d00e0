using System.Text;
using ApiKit.Webhooks.Tests.Subscriptions;
using Microsoft.Data.Sqlite;

namespace ApiKit.Webhooks.Tests.Outbox;

/// <summary>SQLite records a batch from fixed-width row strings: every field must come back exactly as given.</summary>
public sealed class SqliteRecordTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly string _database = Path.Combine(Directory.CreateTempSubdirectory("apikit-wh-record-").FullName, "outbox.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_database)!, recursive: true);
    }

    [Fact]
    public async Task RecordAsync_MixedBatch_StatesAndAttemptLogRoundTrip()
    {
        await using var store = new SqlWebhookStore(new SqlWebhookStoreOptions { ConnectionFactory = () => Sqlite.Connect(_database) });
        await store.EnsureSchemaAsync();
        for (var i = 0; i < 4; i++)
        {
            await store.EnqueueAsync(new WebhookMessage($"msg_{i}", "a.b", Encoding.UTF8.GetBytes("{}"), Now, null), ["ep_é"], null, CancellationToken.None);
        }

        var claimed = await store.ClaimAsync("w", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(4, claimed.Count);
        var retryAt = Now + TimeSpan.FromMinutes(5);
        const string Response = "line \"one\"\nzwei: é, 😀, \\ and a tab\t";
        await store.RecordAsync(
        [
            new(claimed[0], WebhookDeliveryState.Succeeded, null, Attempt(claimed[0], WebhookAttemptOutcome.Succeeded, 204, TimeSpan.FromMilliseconds(12), null)),
            new(claimed[1], WebhookDeliveryState.Pending, retryAt, Attempt(claimed[1], WebhookAttemptOutcome.HttpError, 503, TimeSpan.FromMilliseconds(3456), Response)),
            new(claimed[2], WebhookDeliveryState.Failed, null, Attempt(claimed[2], WebhookAttemptOutcome.TimedOut, null, TimeSpan.FromSeconds(15), string.Empty)),

            // Handed back without an attempt: due again at once, no attempt spent and none logged.
            new(claimed[3], WebhookDeliveryState.Pending, Now, null),
        ], Now, CancellationToken.None);

        var attempts = (await store.ListAttemptsAsync("ep_é", null, 10, CancellationToken.None)).OrderBy(a => a.MessageId, StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            new WebhookAttempt("msg_0", "ep_é", 1, Now, WebhookAttemptOutcome.Succeeded, 204, TimeSpan.FromMilliseconds(12), null),
            new WebhookAttempt("msg_1", "ep_é", 1, Now, WebhookAttemptOutcome.HttpError, 503, TimeSpan.FromMilliseconds(3456), Response),
            new WebhookAttempt("msg_2", "ep_é", 1, Now, WebhookAttemptOutcome.TimedOut, null, TimeSpan.FromSeconds(15), string.Empty),
        ], attempts);

        // The handed-back one is due now, the retry when its time comes, and neither the delivered nor the dead letter again.
        var due = await store.ClaimAsync("w", 10, Now, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.Equal(["msg_3:0"], due.Select(d => d.Message.Id + ":" + d.AttemptCount));
        var later = await store.ClaimAsync("w", 10, retryAt, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(["msg_1:1"], later.Select(d => d.Message.Id + ":" + d.AttemptCount));
        Assert.Equal(1, await store.RecoverAsync("ep_é", Now, Now, CancellationToken.None));
    }

    [Fact]
    public async Task RecordAsync_StaleLease_ChangesNothingButLogsTheAttempt()
    {
        await using var store = new SqlWebhookStore(new SqlWebhookStoreOptions { ConnectionFactory = () => Sqlite.Connect(_database) });
        await store.EnsureSchemaAsync();
        await store.EnqueueAsync(new WebhookMessage("msg_0", "a.b", Encoding.UTF8.GetBytes("{}"), Now, null), ["ep_1"], null, CancellationToken.None);
        var first = Assert.Single(await store.ClaimAsync("w1", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None));
        var second = Assert.Single(await store.ClaimAsync("w2", 10, Now + TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(30), CancellationToken.None));

        await store.RecordAsync([new(first, WebhookDeliveryState.Succeeded, null, Attempt(first, WebhookAttemptOutcome.Succeeded, 200, TimeSpan.Zero, null))], Now, CancellationToken.None);

        // The first lease was taken over: its result must not end the delivery the second worker holds.
        var later = Now + TimeSpan.FromSeconds(62);
        Assert.Equal(second.Message.Id, Assert.Single(await store.ClaimAsync("w3", 10, later, TimeSpan.FromSeconds(30), CancellationToken.None)).Message.Id);
        Assert.Single(await store.ListAttemptsAsync("ep_1", "msg_0", 10, CancellationToken.None));
    }

    private static WebhookAttempt Attempt(WebhookDelivery delivery, WebhookAttemptOutcome outcome, int? status, TimeSpan duration, string? response) =>
        new(delivery.Message.Id, delivery.EndpointId, delivery.AttemptCount + 1, Now, outcome, status, duration, response);
}
