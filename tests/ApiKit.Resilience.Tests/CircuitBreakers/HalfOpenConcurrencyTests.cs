using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Testing;

namespace ApiKit.Resilience.Tests.CircuitBreakers;

public sealed class HalfOpenConcurrencyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Execute_64ParallelCallersInHalfOpen_ExactlyNProbesPass(int probes)
    {
        var time = new ManualTimeProvider();
        var breaker = new CircuitBreaker(
            new CircuitBreakerOptions { ConsecutiveFailures = 1, FailureRatio = null, HalfOpenProbes = probes, BreakDuration = TimeSpan.FromSeconds(1) },
            time);
        await breaker.ExecuteOutcomeAsync<int, int>(static (_, _) => throw new InvalidOperationException(), 0);
        time.Advance(TimeSpan.FromSeconds(1));

        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new Counter();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await breaker.ExecuteOutcomeAsync(
                static async (state, _) =>
                {
                    Interlocked.Increment(ref state.Entered.Value);
                    return await state.Release.Task;
                },
                (Release: release, Entered: entered));
        })).ToArray();

        start.SetResult();
        var rejected = 0;
        while (rejected < 64 - probes)
        {
            rejected = callers.Count(c => c.IsCompletedSuccessfully && c.Result.IsRejected);
            await Task.Delay(5);
        }

        Assert.Equal(probes, Volatile.Read(ref entered.Value));
        release.SetResult(7);
        var outcomes = await Task.WhenAll(callers);
        Assert.Equal(probes, outcomes.Count(o => o.IsSuccess));
        Assert.Equal(64 - probes, outcomes.Count(o => o.IsRejected));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    private sealed class Counter
    {
        public int Value;
    }
}
