using System.Collections.Concurrent;
using ApiKit.Resilience.Retry;
using ApiKit.Resilience.Saga;
using Microsoft.Data.Sqlite;

namespace ApiKit.Resilience.Tests.Saga;

public sealed class OrderData
{
    public string OrderId { get; set; } = "";

    public string? ReservationId { get; set; }
}

/// <summary>Records side effects by idempotency key, the way a downstream service deduplicates them.</summary>
public sealed class Ledger
{
    private readonly ConcurrentQueue<string> _log = new();

    public ConcurrentDictionary<string, int> Applied { get; } = new();

    public IReadOnlyList<string> Log => [.. _log];

    public void Apply(string key)
    {
        _log.Enqueue("do " + key);
        Applied.AddOrUpdate(key, 1, static (_, n) => n);
    }

    public void Undo(string key)
    {
        _log.Enqueue("undo " + key);
        Applied.TryRemove(key, out _);
    }
}

public sealed class SagaOrchestratorTests : IDisposable
{
    private static readonly SagaOptions FastOptions = new() { CompensationRetry = new RetryOptions { MaxRetryAttempts = 2, Delay = TimeSpan.Zero } };
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"apikit-saga-{Guid.NewGuid():N}.db");

    static SagaOrchestratorTests() => SQLitePCL.Batteries_V2.Init();

    public void Dispose() => File.Delete(_databasePath);

    private static SagaDefinition<OrderData> OrderSaga(Ledger ledger, Func<string, ValueTask>? before = null) =>
        new SagaDefinition<OrderData>("order")
            .Step("reserve", async (c, _) =>
            {
                await (before?.Invoke("reserve") ?? ValueTask.CompletedTask);
                c.Data.ReservationId = "R-" + c.Data.OrderId;
                ledger.Apply(c.IdempotencyKey);
            }, (c, _) =>
            {
                ledger.Undo(c.IdempotencyKey);
                return ValueTask.CompletedTask;
            })
            .Step("charge", async (c, _) =>
            {
                await (before?.Invoke("charge") ?? ValueTask.CompletedTask);
                ledger.Apply(c.IdempotencyKey);
            }, async (c, _) =>
            {
                await (before?.Invoke("refund") ?? ValueTask.CompletedTask);
                ledger.Undo(c.IdempotencyKey);
            })
            .Step("ship", async (c, _) =>
            {
                await (before?.Invoke("ship") ?? ValueTask.CompletedTask);
                Assert.Equal("R-" + c.Data.OrderId, c.Data.ReservationId);
                ledger.Apply(c.IdempotencyKey);
            }, (c, _) =>
            {
                ledger.Undo(c.IdempotencyKey);
                return ValueTask.CompletedTask;
            });

    private AdoNetSagaStore SqliteStore() => new(() => new SqliteConnection($"Data Source={_databasePath};Pooling=False"));

    [Fact]
    public async Task Run_AllStepsSucceed_CompletesAndPersistsData()
    {
        var ledger = new Ledger();
        var store = new InMemorySagaStore();
        var result = await new SagaOrchestrator<OrderData>(OrderSaga(ledger), store, FastOptions).RunAsync("s1", new OrderData { OrderId = "o1" });
        Assert.Equal(SagaStatus.Completed, result.Status);
        Assert.Equal(["do s1:reserve", "do s1:charge", "do s1:ship"], ledger.Log);
        var record = await store.GetAsync("s1", default);
        Assert.Contains("R-o1", record!.Data, StringComparison.Ordinal);
        Assert.Equal(SagaStatus.Completed, record.Status);
    }

    [Fact]
    public async Task Run_StepFails_CompensatesEarlierStepsInReverseOrder()
    {
        var ledger = new Ledger();
        var saga = OrderSaga(ledger, step => step == "ship" ? throw new InvalidOperationException("no courier") : ValueTask.CompletedTask);
        var result = await new SagaOrchestrator<OrderData>(saga, new InMemorySagaStore(), FastOptions).RunAsync("s2", new OrderData { OrderId = "o2" });
        Assert.Equal(SagaStatus.Compensated, result.Status);
        Assert.Equal("ship: no courier", result.Error);
        Assert.Equal(["do s2:reserve", "do s2:charge", "undo s2:charge", "undo s2:reserve"], ledger.Log);
        Assert.Empty(ledger.Applied);
    }

    [Fact]
    public async Task Run_CompensationFailsTwice_IsRetriedAndSucceeds()
    {
        var ledger = new Ledger();
        var refunds = 0;
        var saga = OrderSaga(ledger, step => step switch
        {
            "ship" => throw new InvalidOperationException("no courier"),
            "refund" when ++refunds <= 2 => throw new HttpRequestException("payments down"),
            _ => ValueTask.CompletedTask,
        });
        var result = await new SagaOrchestrator<OrderData>(saga, new InMemorySagaStore(), FastOptions).RunAsync("s3", new OrderData { OrderId = "o3" });
        Assert.Equal(SagaStatus.Compensated, result.Status);
        Assert.Equal(3, refunds);
        Assert.Empty(ledger.Applied);
    }

    [Fact]
    public async Task ResumeAll_CompensationExhaustedEarlier_FinishesCompensationLater()
    {
        var ledger = new Ledger();
        var paymentsUp = false;
        var saga = OrderSaga(ledger, step => step switch
        {
            "ship" => throw new InvalidOperationException("no courier"),
            "refund" when !paymentsUp => throw new HttpRequestException("payments down"),
            _ => ValueTask.CompletedTask,
        });
        var store = new InMemorySagaStore();
        var orchestrator = new SagaOrchestrator<OrderData>(saga, store, FastOptions);
        var first = await orchestrator.RunAsync("s4", new OrderData { OrderId = "o4" });
        Assert.Equal(SagaStatus.Compensating, first.Status);
        Assert.Equal("compensating charge: payments down", first.Error);
        Assert.Equal(2, ledger.Applied.Count);

        paymentsUp = true;
        var resumed = await orchestrator.ResumeAllAsync();
        Assert.Equal(SagaStatus.Compensated, Assert.Single(resumed).Status);
        Assert.Empty(ledger.Applied);
        Assert.Empty(await store.GetUnfinishedAsync("order", default));
    }

    [Fact]
    public async Task ResumeAll_ProcessAbandonedMidStepOnSqlite_NewInstanceFinishesAndOldInstanceCannotInterfere()
    {
        var ledger = new Ledger();
        var hung = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStore = SqliteStore();
        await firstStore.EnsureCreatedAsync();

        // The first "process" hangs inside the charge step and is then abandoned, as a crash would leave it.
        var crashed = new SagaOrchestrator<OrderData>(
            OrderSaga(ledger, async step =>
            {
                if (step == "charge")
                {
                    entered.TrySetResult();
                    await hung.Task;
                }
            }),
            firstStore,
            FastOptions).RunAsync("s5", new OrderData { OrderId = "o5" });
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var restarted = new SagaOrchestrator<OrderData>(OrderSaga(ledger), SqliteStore(), FastOptions);
        var results = await restarted.ResumeAllAsync();
        Assert.Equal(SagaStatus.Completed, Assert.Single(results).Status);
        Assert.Equal(["s5:charge", "s5:reserve", "s5:ship"], ledger.Applied.Keys.Order(StringComparer.Ordinal));

        // The abandoned instance wakes up: its charge is a duplicate the ledger absorbs, and its write is refused.
        hung.SetResult();
        await Assert.ThrowsAsync<SagaConcurrencyException>(() => crashed);
        var record = await SqliteStore().GetAsync("s5", default);
        Assert.Equal(SagaStatus.Completed, record!.Status);
        Assert.Contains("R-o5", record.Data, StringComparison.Ordinal);
        Assert.Empty(await SqliteStore().GetUnfinishedAsync("order", default));
    }

    [Fact]
    public async Task ResumeAll_CompensateModeAfterCrashOnSqlite_UndoesInterruptedAndEarlierSteps()
    {
        var ledger = new Ledger();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = SqliteStore();
        await store.EnsureCreatedAsync();
        var options = new SagaOptions { ResumeMode = SagaResumeMode.Compensate, CompensationRetry = FastOptions.CompensationRetry };
        _ = new SagaOrchestrator<OrderData>(
            OrderSaga(ledger, async step =>
            {
                if (step == "ship")
                {
                    entered.TrySetResult();
                    await Task.Delay(System.Threading.Timeout.Infinite);
                }
            }),
            store,
            options).RunAsync("s6", new OrderData { OrderId = "o6" });
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, ledger.Applied.Count);

        var results = await new SagaOrchestrator<OrderData>(OrderSaga(ledger), SqliteStore(), options).ResumeAllAsync();
        Assert.Equal(SagaStatus.Compensated, Assert.Single(results).Status);
        Assert.Empty(ledger.Applied);
        Assert.Equal(["undo s6:ship", "undo s6:charge", "undo s6:reserve"], ledger.Log.Skip(2));
    }

    [Fact]
    public async Task ResumeAll_TwoInstancesAtOnce_OneDrivesTheSagaAndTheOtherStepsAside()
    {
        var ledger = new Ledger();
        var store = SqliteStore();
        await store.EnsureCreatedAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = new SagaOrchestrator<OrderData>(
            OrderSaga(ledger, async step =>
            {
                if (step == "charge")
                {
                    entered.TrySetResult();
                    await Task.Delay(System.Threading.Timeout.Infinite);
                }
            }),
            store,
            FastOptions).RunAsync("s7", new OrderData { OrderId = "o7" });
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Both resumers are inside the charge step before either writes.
        using var bothInside = new CountdownEvent(2);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SagaOrchestrator<OrderData> Resumer() => new(
            OrderSaga(ledger, async step =>
            {
                if (step == "charge")
                {
                    bothInside.Signal();
                    await gate.Task;
                }
            }),
            SqliteStore(),
            FastOptions);
        var first = Resumer().ResumeAllAsync();
        var second = Resumer().ResumeAllAsync();
        Assert.True(bothInside.Wait(TimeSpan.FromSeconds(10)));
        gate.SetResult();
        var results = (await first).Concat(await second).ToList();

        Assert.Equal(SagaStatus.Completed, Assert.Single(results).Status);
        Assert.Equal(SagaStatus.Completed, (await store.GetAsync("s7", default))!.Status);
        Assert.Equal(["s7:charge", "s7:reserve", "s7:ship"], ledger.Applied.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_DuplicateSagaId_ThrowsConcurrency()
    {
        var store = SqliteStore();
        await store.EnsureCreatedAsync();
        var orchestrator = new SagaOrchestrator<OrderData>(OrderSaga(new Ledger()), store, FastOptions);
        await orchestrator.RunAsync("dup", new OrderData { OrderId = "d" });
        await Assert.ThrowsAsync<SagaConcurrencyException>(() => orchestrator.RunAsync("dup", new OrderData { OrderId = "d" }));
    }

    [Fact]
    public void AdoNetSagaStore_TableNameWithSql_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new AdoNetSagaStore(() => new SqliteConnection(), "sagas; DROP TABLE x"));
}
