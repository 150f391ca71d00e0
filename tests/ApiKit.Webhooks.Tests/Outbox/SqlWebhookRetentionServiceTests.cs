using System.Text;
using ApiKit.Testing;
using ApiKit.Webhooks.Tests.Subscriptions;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiKit.Webhooks.Tests.Outbox;

public sealed class SqlWebhookRetentionServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly string _folder = Directory.CreateTempSubdirectory("apikit-wh-retention-").FullName;
    private readonly ManualTimeProvider _time = new(Start);
    private SqlWebhookStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqlWebhookStore(new SqlWebhookStoreOptions { ConnectionFactory = () => Sqlite.Connect(Path.Combine(_folder, "outbox.db")) });
        await _store.EnsureSchemaAsync();
        await _store.EnqueueAsync(new WebhookMessage("msg_1", "a.b", Encoding.UTF8.GetBytes("{}"), Start, null), ["ep_1"], null, CancellationToken.None);
        var claimed = Assert.Single(await _store.ClaimAsync("w", 10, Start, TimeSpan.FromSeconds(30), CancellationToken.None));
        var attempt = new WebhookAttempt("msg_1", "ep_1", 1, Start, WebhookAttemptOutcome.Succeeded, 204, TimeSpan.FromMilliseconds(3), null);
        await _store.RecordAsync([new WebhookDeliveryResult(claimed, WebhookDeliveryState.Succeeded, null, attempt)], Start, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Run_EveryInterval_PurgesOnlyWhatThePeriodLetsGo()
    {
        using var service = Service(TimeSpan.FromDays(1));
        await service.StartAsync(CancellationToken.None);

        await AdvanceOnceWaitingAsync(TimeSpan.FromHours(1));
        await WaitForRunsAsync(service, 1);
        Assert.Single(await _store.ListAttemptsAsync("ep_1", "msg_1", 10, CancellationToken.None));

        await AdvanceOnceWaitingAsync(TimeSpan.FromDays(1));
        await WaitForRunsAsync(service, 2);
        Assert.Empty(await _store.ListAttemptsAsync("ep_1", "msg_1", 10, CancellationToken.None));
        Assert.False(await _store.RedeliverAsync("ep_1", "msg_1", _time.GetUtcNow(), CancellationToken.None));
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Run_NoRetentionPeriod_KeepsEverything()
    {
        using var service = Service(null);
        await service.StartAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromDays(400));
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(0, service.Runs);
        Assert.Single(await _store.ListAttemptsAsync("ep_1", "msg_1", 10, CancellationToken.None));
    }

    private SqlWebhookRetentionService Service(TimeSpan? period) =>
        new(_store, Microsoft.Extensions.Options.Options.Create(new WebhookDeliveryOptions { RetentionPeriod = period, RetentionCleanupInterval = TimeSpan.FromHours(1) }), _time, NullLogger<SqlWebhookRetentionService>.Instance);

    // The host starts ExecuteAsync on another thread: advance only once its delay is registered, or the advance is missed.
    private async Task AdvanceOnceWaitingAsync(TimeSpan delta)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (_time.ActiveTimerCount == 0)
        {
            await Task.Delay(5, timeout.Token);
        }

        _time.Advance(delta);
    }

    // The cleanup continues asynchronously after the timer fired; bounded wait for it to finish.
    private static async Task WaitForRunsAsync(SqlWebhookRetentionService service, int runs)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (service.Runs < runs)
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
