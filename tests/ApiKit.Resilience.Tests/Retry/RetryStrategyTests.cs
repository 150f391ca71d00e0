using System.Net;
using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Retry;
using ApiKit.Testing;

namespace ApiKit.Resilience.Tests.Retry;

public sealed class RetryStrategyTests
{
    private readonly ManualTimeProvider _time = new();

    private ResiliencePipeline Pipeline(Action<RetryOptions>? configure = null)
    {
        var options = new RetryOptions { Delay = TimeSpan.FromSeconds(1), UseJitter = false, BackoffType = BackoffType.Exponential };
        configure?.Invoke(options);
        return new ResiliencePipelineBuilder { TimeProvider = _time }.AddRetry(options).Build();
    }

    private async Task<T> DrainAsync<T>(ValueTask<T> pending, TimeSpan step, int maxSteps = 100)
    {
        var task = pending.AsTask();
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await ManualTime.AdvanceAsync(_time, step, () => task.IsCompleted || _time.ActiveTimerCount > 0);
        }

        return await task;
    }

    [Fact]
    public async Task Execute_TransientFailuresThenSuccess_RetriesWithExponentialDelays()
    {
        var delays = new List<TimeSpan>();
        var pipeline = Pipeline(o => o.OnRetry = a => delays.Add(a.Delay));
        var calls = new int[1];
        var result = await DrainAsync(pipeline.ExecuteOutcomeAsync(
            static (c, _) => ++c[0] < 4 ? throw new HttpRequestException("down") : ValueTask.FromResult(c[0]), calls), TimeSpan.FromSeconds(1));
        Assert.Equal(4, result.Result);
        Assert.Equal([1, 2, 4], delays.Select(d => (int)d.TotalSeconds));
    }

    [Fact]
    public async Task Execute_AlwaysFailing_StopsAfterMaxAttemptsWithLastFailure()
    {
        var pipeline = Pipeline(o => o.MaxRetryAttempts = 2);
        var calls = new int[1];
        var outcome = await DrainAsync(pipeline.ExecuteOutcomeAsync<int, int[]>(
            static (c, _) => throw new InvalidOperationException("attempt " + ++c[0]), calls), TimeSpan.FromSeconds(1));
        Assert.Equal(3, calls[0]);
        Assert.Equal("attempt 3", outcome.Exception!.Message);
    }

    [Fact]
    public async Task Execute_UnhandledException_IsNotRetried()
    {
        var pipeline = Pipeline(o => o.ShouldHandleException = e => e is HttpRequestException);
        var calls = new int[1];
        var outcome = await pipeline.ExecuteOutcomeAsync<int, int[]>(static (c, _) =>
        {
            c[0]++;
            throw new ArgumentException("bad");
        }, calls);
        Assert.Equal(1, calls[0]);
        Assert.IsType<ArgumentException>(outcome.Exception);
    }

    [Fact]
    public async Task Execute_429WithRetryAfter_WaitsAtLeastRetryAfterAndDisposesDiscardedResponse()
    {
        var delays = new List<TimeSpan>();
        var pipeline = Pipeline(o =>
        {
            o.ShouldHandleResult = ApiKit.Resilience.Http.HttpOutcomes.IsTransientResult;
            o.OnRetry = a => delays.Add(a.Delay);
        });
        var first = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("slow down") };
        first.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        var responses = new Queue<HttpResponseMessage>([first, new HttpResponseMessage(HttpStatusCode.OK)]);
        var outcome = await DrainAsync(pipeline.ExecuteOutcomeAsync(static (q, _) => ValueTask.FromResult(q.Dequeue()), responses), TimeSpan.FromSeconds(1));
        using var response = outcome.Result!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([TimeSpan.FromSeconds(7)], delays);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Execute_RetryAfterLongerThanMaxDelay_ReturnsWithoutRetrying()
    {
        var pipeline = Pipeline(o =>
        {
            o.ShouldHandleResult = ApiKit.Resilience.Http.HttpOutcomes.IsTransientResult;
            o.MaxDelay = TimeSpan.FromSeconds(5);
        });
        var calls = new int[1];
        var outcome = await pipeline.ExecuteOutcomeAsync(static (c, _) =>
        {
            c[0]++;
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMinutes(1));
            return ValueTask.FromResult(response);
        }, calls);
        outcome.Result!.Dispose();
        Assert.Equal(1, calls[0]);
    }

    [Fact]
    public async Task Execute_RejectedByOpenCircuit_WaitsForItsRetryAfter()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { BreakDuration = TimeSpan.FromSeconds(3) }, _time);
        breaker.Isolate();
        breaker.Close();
        var delays = new List<TimeSpan>();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryOptions { Delay = TimeSpan.FromMilliseconds(100), UseJitter = false, OnRetry = a => delays.Add(a.Delay), MaxRetryAttempts = 1 })
            .AddCircuitBreaker(breaker)
            .Build();
        var calls = new int[1];
        breaker.ApplySharedState(CircuitState.Open, _time.GetUtcNow().AddSeconds(3));
        var outcome = await DrainAsync(pipeline.ExecuteOutcomeAsync(static (c, _) => ValueTask.FromResult(++c[0]), calls), TimeSpan.FromSeconds(1));
        Assert.Equal([TimeSpan.FromSeconds(3)], delays);
        Assert.Equal(1, outcome.Result);
    }

    [Fact]
    public async Task Execute_CancelledDuringDelay_ReturnsCancellationWithoutAnotherAttempt()
    {
        var pipeline = Pipeline();
        using var cts = new CancellationTokenSource();
        var calls = new int[1];
        var pending = pipeline.ExecuteOutcomeAsync<int, int[]>(static (c, _) =>
        {
            c[0]++;
            throw new HttpRequestException();
        }, calls, cts.Token).AsTask();
        await cts.CancelAsync();
        var outcome = await pending;
        Assert.IsType<TaskCanceledException>(outcome.Exception);
        Assert.Equal(1, calls[0]);
    }

    [Fact]
    public async Task Execute_DecorrelatedJitter_StaysWithinMaxDelayAndVaries()
    {
        var delays = new List<TimeSpan>();
        var random = new Random(42);
        var pipeline = Pipeline(o =>
        {
            o.UseJitter = true;
            o.MaxRetryAttempts = 8;
            o.MaxDelay = TimeSpan.FromSeconds(20);
            o.Randomizer = random.NextDouble;
            o.OnRetry = a => delays.Add(a.Delay);
        });
        await DrainAsync(pipeline.ExecuteOutcomeAsync<int, int>(static (_, _) => throw new HttpRequestException(), 0), TimeSpan.FromSeconds(5), 1000);
        Assert.Equal(8, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(20)));
        Assert.True(delays.Distinct().Count() > 4);
        Assert.True(delays[^1] > delays[0]);
    }

    [Fact]
    public async Task Execute_NoFailures_AllocatesNothing()
    {
        var pipeline = Pipeline();
        for (var i = 0; i < 100; i++)
        {
            await pipeline.ExecuteAsync(static (v, _) => ValueTask.FromResult(v), 1);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            await pipeline.ExecuteAsync(static (v, _) => ValueTask.FromResult(v), 1);
        }

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 10_000);
    }

    [Fact]
    public void AddRetry_InvalidOptions_Throws() =>
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => Pipeline(o => o.MaxRetryAttempts = -1));
}
