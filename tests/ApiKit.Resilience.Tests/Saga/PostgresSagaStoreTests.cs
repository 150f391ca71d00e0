using ApiKit.Resilience.Saga;
using ApiKit.Testing;
using Npgsql;

namespace ApiKit.Resilience.Tests.Saga;

/// <summary>The same ADO.NET store on PostgreSQL, crashed (immediate shutdown) and restarted while a saga is in flight.</summary>
public sealed class PostgresSagaStoreTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private static readonly SagaOptions FastOptions = new() { CompensationRetry = new() { MaxRetryAttempts = 2, Delay = TimeSpan.Zero } };

    private AdoNetSagaStore Store() => new(() => new NpgsqlConnection(postgres.ConnectionString + ";Pooling=false"));

    private static SagaDefinition<OrderData> Saga(Ledger ledger, Func<string, Task>? inside = null) =>
        new SagaDefinition<OrderData>("pg-order")
            .Step("reserve", (c, _) =>
            {
                ledger.Apply(c.IdempotencyKey);
                return ValueTask.CompletedTask;
            }, (c, _) =>
            {
                ledger.Undo(c.IdempotencyKey);
                return ValueTask.CompletedTask;
            })
            .Step("charge", async (c, _) =>
            {
                await (inside?.Invoke("charge") ?? Task.CompletedTask);
                ledger.Apply(c.IdempotencyKey);
            }, (c, _) =>
            {
                ledger.Undo(c.IdempotencyKey);
                return ValueTask.CompletedTask;
            });

    [Fact]
    public async Task ResumeAll_DatabaseCrashedAndRestartedMidSaga_SagaCompletesAndStaleWriterIsRefused()
    {
        var ledger = new Ledger();
        await Store().EnsureCreatedAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = new SagaOrchestrator<OrderData>(
            Saga(ledger, async step =>
            {
                entered.TrySetResult();
                await release.Task;
            }),
            Store(),
            FastOptions).RunAsync("pg-1", new OrderData { OrderId = "p1" });
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await postgres.RestartAsync(crash: true);

        var results = await new SagaOrchestrator<OrderData>(Saga(ledger), Store(), FastOptions).ResumeAllAsync();
        Assert.Equal(SagaStatus.Completed, Assert.Single(results).Status);
        Assert.Equal(["pg-1:charge", "pg-1:reserve"], ledger.Applied.Keys.Order(StringComparer.Ordinal));

        release.SetResult();
        await Assert.ThrowsAsync<SagaConcurrencyException>(() => inFlight);

        // Read back with psql, independently of the store under test.
        Assert.Equal("2|2", (await postgres.PsqlAsync("SELECT status || '|' || step FROM apikit_sagas WHERE id = 'pg-1'")).Trim());
    }

    [Fact]
    public async Task TryUpdate_StaleVersion_IsRefusedOnPostgres()
    {
        var store = Store();
        await store.EnsureCreatedAsync();
        var record = new SagaRecord { Id = "pg-2", SagaName = "pg-order", Data = "{}", UpdatedAt = DateTimeOffset.UnixEpoch };
        await store.CreateAsync(record, default);
        Assert.True(await store.TryUpdateAsync(record, 0, default));
        Assert.False(await store.TryUpdateAsync(record, 0, default));
        var stored = await store.GetAsync("pg-2", default);
        Assert.Equal(1, stored!.Version);
        Assert.Null(stored.Error);
    }
}
