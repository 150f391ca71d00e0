using ApiKit.Resilience.Retry;
using ApiKit.Resilience.Timeout;
using ApiKit.Testing;

namespace ApiKit.Resilience.Tests.Timeout;

public sealed class TimeoutStrategyTests
{
    private readonly ManualTimeProvider _time = new();

    private static async ValueTask<int> HangAsync(int value, CancellationToken cancellationToken)
    {
        await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
        return value;
    }

    [Fact]
    public async Task Execute_CallbackOutlivesTimeout_FailsWithTimeoutRejected()
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddTimeout(TimeSpan.FromSeconds(2)).Build();
        var pending = pipeline.ExecuteOutcomeAsync(static (v, ct) => HangAsync(v, ct), 1).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await pending;
        var timeout = Assert.IsType<TimeoutRejectedException>(outcome.Exception);
        Assert.Equal(TimeSpan.FromSeconds(2), timeout.Timeout);
    }

    [Fact]
    public async Task Execute_CallerCancels_FlowsThroughAsCancellationNotTimeout()
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddTimeout(TimeSpan.FromSeconds(2)).Build();
        using var cts = new CancellationTokenSource();
        var pending = pipeline.ExecuteOutcomeAsync(static (v, ct) => HangAsync(v, ct), 1, cts.Token).AsTask();
        await cts.CancelAsync();
        var outcome = await pending;
        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
    }

    [Fact]
    public async Task Execute_AttemptTimeoutInsideRetryInsideTotalTimeout_EachAttemptAndTotalBounded()
    {
        var calls = new int[1];
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddTimeout(TimeSpan.FromSeconds(10))
            .AddRetry(new RetryOptions { MaxRetryAttempts = 10, Delay = TimeSpan.FromSeconds(1), BackoffType = BackoffType.Constant, UseJitter = false })
            .AddTimeout(TimeSpan.FromSeconds(3))
            .Build();
        var pending = pipeline.ExecuteOutcomeAsync(static (c, ct) =>
        {
            c[0]++;
            return HangAsync(1, ct);
        }, calls).AsTask();
        // Until the end, exactly two timers run: the total timeout and either an attempt timeout or a retry delay.
        for (var i = 0; i < 20 && !pending.IsCompleted; i++)
        {
            await ManualTime.AdvanceAsync(_time, TimeSpan.FromSeconds(1), () => pending.IsCompleted || _time.ActiveTimerCount == 2);
        }

        var outcome = await pending;

        // Attempts start at 0, 4 and 8 s (3 s timeout + 1 s delay); the total timeout ends the third at 10 s.
        Assert.Equal(3, calls[0]);
        Assert.Equal(TimeSpan.FromSeconds(10), Assert.IsType<TimeoutRejectedException>(outcome.Exception).Timeout);
    }

    [Fact]
    public async Task Execute_FastCallback_ReturnsResultAndLeavesNoTimer()
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddTimeout(TimeSpan.FromSeconds(2)).Build();
        Assert.Equal(5, await pipeline.ExecuteAsync(static (v, _) => ValueTask.FromResult(v), 5));
        Assert.Equal(0, _time.ActiveTimerCount);
    }

    [Fact]
    public async Task ExecuteAsync_Timeout_ThrowsTimeoutRejected()
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddTimeout(TimeSpan.FromSeconds(1)).Build();
        var pending = pipeline.ExecuteAsync(static (v, ct) => HangAsync(v, ct), 1).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => pending);
    }
}
