using ApiKit.Resilience.Bulkheads;

namespace ApiKit.Resilience.Tests.Bulkheads;

public sealed class BulkheadTests
{
    [Fact]
    public async Task Execute_MoreCallersThanSlotsAndQueue_RejectsTheRestAndQueuedRunLater()
    {
        using var bulkhead = new Bulkhead(new BulkheadOptions { MaxConcurrency = 2, QueueLimit = 1 });
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new int[2];
        var calls = Enumerable.Range(0, 5).Select(_ => bulkhead.ExecuteOutcomeAsync(
            static async (s, _) =>
            {
                var now = Interlocked.Increment(ref s.Running[0]);
                InterlockedMax(ref s.Running[1], now);
                var value = await s.Gate.Task;
                Interlocked.Decrement(ref s.Running[0]);
                return value;
            },
            (Gate: gate, Running: running)).AsTask()).ToArray();

        Assert.Equal(2, calls.Count(c => c.IsCompleted && c.Result.IsRejected));
        Assert.Equal(1, bulkhead.QueuedCount);
        gate.SetResult(3);
        var outcomes = await Task.WhenAll(calls);
        Assert.Equal(3, outcomes.Count(o => o.IsSuccess));
        Assert.All(outcomes.Where(o => o.IsRejected), o => Assert.Equal(RejectionReason.BulkheadFull, o.Reason));
        Assert.Equal(2, running[1]);
        Assert.Equal(2, bulkhead.AvailableSlots);
    }

    [Fact]
    public async Task ExecuteAsync_Full_ThrowsBulkheadRejected()
    {
        using var bulkhead = new Bulkhead(new BulkheadOptions { MaxConcurrency = 1 });
        var gate = new TaskCompletionSource<int>();
        var first = bulkhead.ExecuteAsync(static (g, _) => new ValueTask<int>(g.Task), gate);
        await Assert.ThrowsAsync<BulkheadRejectedException>(async () => await bulkhead.ExecuteAsync(static (v, _) => ValueTask.FromResult(v), 1));
        gate.SetResult(1);
        Assert.Equal(1, await first);
    }

    [Fact]
    public async Task Execute_CallbackThrows_ReleasesSlot()
    {
        using var bulkhead = new Bulkhead(new BulkheadOptions { MaxConcurrency = 1 });
        var outcome = await bulkhead.ExecuteOutcomeAsync<int, int>(static async (_, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException();
        }, 0);
        Assert.IsType<InvalidOperationException>(outcome.Exception);
        Assert.Equal(1, bulkhead.AvailableSlots);
    }

    [Fact]
    public async Task Execute_CallerCancelsWhileQueued_LeavesQueueWithCancellationAndNeverRuns()
    {
        using var bulkhead = new Bulkhead(new BulkheadOptions { MaxConcurrency = 1, QueueLimit = 1 });
        var gate = new TaskCompletionSource<int>();
        var running = bulkhead.ExecuteOutcomeAsync(static (g, _) => new ValueTask<int>(g.Task), gate);
        using var cts = new CancellationTokenSource();
        var ran = new int[1];
        var queued = bulkhead.ExecuteOutcomeAsync(static (r, _) => ValueTask.FromResult(++r[0]), ran, cts.Token).AsTask();
        Assert.Equal(1, bulkhead.QueuedCount);
        await cts.CancelAsync();
        var outcome = await queued;
        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.Equal(0, bulkhead.QueuedCount);
        gate.SetResult(1);
        Assert.True((await running).IsSuccess);
        Assert.Equal(0, ran[0]);
    }

    [Fact]
    public void Registry_SameKey_ReturnsSameBulkheadNamedByKey()
    {
        using var registry = new BulkheadRegistry(_ => new BulkheadOptions { MaxConcurrency = 3 });
        var a = registry.GetOrAdd("endpoint-1");
        Assert.Same(a, registry.GetOrAdd("endpoint-1"));
        Assert.NotSame(a, registry.GetOrAdd("endpoint-2"));
        Assert.Equal("endpoint-1", a.Name);
        Assert.Equal(3, a.AvailableSlots);
        Assert.Equal(2, registry.Bulkheads.Count());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
