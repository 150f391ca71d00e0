using System.Net;
using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Testing;

namespace ApiKit.Resilience.Tests.CircuitBreakers;

public sealed class CircuitBreakerTests
{
    private readonly ManualTimeProvider _time = new();

    private CircuitBreaker Create(Action<CircuitBreakerOptions>? configure = null)
    {
        var options = new CircuitBreakerOptions
        {
            Name = "test",
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            SamplingDuration = TimeSpan.FromSeconds(10),
            BreakDuration = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        return new CircuitBreaker(options, _time);
    }

    private static ValueTask<Outcome<int>> Succeed(CircuitBreaker breaker) =>
        breaker.ExecuteOutcomeAsync(static (v, _) => ValueTask.FromResult(v), 1);

    private static ValueTask<Outcome<int>> Fail(CircuitBreaker breaker) =>
        breaker.ExecuteOutcomeAsync<int, int>(static (_, _) => throw new InvalidOperationException("boom"), 0);

    private async Task TripAsync(CircuitBreaker breaker)
    {
        for (var i = 0; i < 4; i++)
        {
            await Fail(breaker);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task Execute_FailureRatioReachedAtMinimumThroughput_Opens()
    {
        var breaker = Create();
        await Succeed(breaker);
        await Succeed(breaker);
        await Fail(breaker);
        Assert.Equal(CircuitState.Closed, breaker.State);
        await Fail(breaker);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task Execute_FailuresBelowMinimumThroughput_StaysClosed()
    {
        var breaker = Create();
        for (var i = 0; i < 3; i++)
        {
            await Fail(breaker);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(3, breaker.GetSnapshot().WindowFailures);
    }

    [Fact]
    public async Task Execute_FailuresOlderThanWindow_AreForgotten()
    {
        var breaker = Create();
        for (var i = 0; i < 3; i++)
        {
            await Fail(breaker);
        }

        _time.Advance(TimeSpan.FromSeconds(11));
        await Fail(breaker);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(1, breaker.GetSnapshot().WindowCalls);
    }

    [Fact]
    public async Task Execute_ConsecutiveFailuresReached_Opens()
    {
        var breaker = Create(o =>
        {
            o.FailureRatio = null;
            o.ConsecutiveFailures = 3;
        });
        await Fail(breaker);
        await Fail(breaker);
        await Succeed(breaker);
        await Fail(breaker);
        await Fail(breaker);
        Assert.Equal(CircuitState.Closed, breaker.State);
        await Fail(breaker);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Record_SlowCallRatioReached_Opens()
    {
        CircuitBreakerStateChange? opened = null;
        var breaker = Create(o =>
        {
            o.FailureRatio = null;
            o.SlowCallDuration = TimeSpan.FromSeconds(1);
            o.SlowCallRatio = 0.5;
            o.OnOpened = c => opened = c;
        });
        for (var i = 0; i < 4; i++)
        {
            Assert.True(breaker.TryAcquirePermit(out var permit, out _));
            _time.Advance(TimeSpan.FromMilliseconds(i < 2 ? 100 : 1500));
            breaker.RecordSuccess(permit);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(CircuitTransitionReason.SlowCalls, opened!.Reason);
    }

    [Fact]
    public async Task ExecuteOutcome_Open_RejectsWithRetryAfterWithoutThrowing()
    {
        var breaker = Create();
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(2));
        var called = false;
        var outcome = await breaker.ExecuteOutcomeAsync((_, _) =>
        {
            called = true;
            return ValueTask.FromResult(1);
        }, 0);
        Assert.False(called);
        Assert.Equal(OutcomeKind.Rejected, outcome.Kind);
        Assert.Equal(RejectionReason.CircuitOpen, outcome.Reason);
        Assert.Equal(TimeSpan.FromSeconds(3), outcome.RetryAfter);
    }

    [Fact]
    public async Task Execute_Open_ThrowsBrokenCircuitWithRetryAfter()
    {
        var breaker = Create();
        await TripAsync(breaker);
        var error = await Assert.ThrowsAsync<BrokenCircuitException>(async () => await breaker.ExecuteAsync(static (v, _) => ValueTask.FromResult(v), 1));
        Assert.Equal(TimeSpan.FromSeconds(5), error.RetryAfter);
    }

    [Fact]
    public async Task State_BreakElapsed_IsHalfOpen()
    {
        var breaker = Create();
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Equal(CircuitState.Open, breaker.State);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public async Task Execute_HalfOpenProbeSucceeds_Closes()
    {
        var breaker = Create();
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await Succeed(breaker)).IsSuccess);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(0, breaker.GetSnapshot().WindowCalls);
    }

    [Fact]
    public async Task Execute_HalfOpenProbeFails_Reopens()
    {
        var breaker = Create();
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        await Fail(breaker);
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(TimeSpan.FromSeconds(5), breaker.GetSnapshot().RetryAfter);
    }

    [Fact]
    public async Task Execute_HalfOpenSecondCallWhileProbeRuns_IsRejected()
    {
        var breaker = Create();
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryAcquirePermit(out var probe, out _));
        Assert.True(probe.IsProbe);
        var second = await Succeed(breaker);
        Assert.True(second.IsRejected);
        breaker.RecordSuccess(probe);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task Record_HalfOpenProbesJudgedByRatio_ClosesOrReopens()
    {
        var breaker = Create(o =>
        {
            o.HalfOpenProbes = 4;
            o.HalfOpenSuccessRatio = 0.5;
        });
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        var permits = new CircuitBreakerPermit[4];
        for (var i = 0; i < 4; i++)
        {
            Assert.True(breaker.TryAcquirePermit(out permits[i], out _));
        }

        Assert.False(breaker.TryAcquirePermit(out _, out _));
        breaker.RecordFailure(permits[0]);
        breaker.RecordSuccess(permits[1]);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        breaker.RecordSuccess(permits[2]);
        Assert.Equal(CircuitState.Closed, breaker.State);

        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 4; i++)
        {
            Assert.True(breaker.TryAcquirePermit(out permits[i], out _));
        }

        breaker.RecordFailure(permits[0]);
        breaker.RecordFailure(permits[1]);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        breaker.RecordFailure(permits[2]);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task State_HungProbePastProbeTimeout_Reopens()
    {
        var breaker = Create(o => o.HalfOpenProbeTimeout = TimeSpan.FromSeconds(10));
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryAcquirePermit(out var hung, out _));
        _time.Advance(TimeSpan.FromSeconds(9));
        var rejected = await Succeed(breaker);
        Assert.Equal(TimeSpan.FromSeconds(1), rejected.RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CircuitState.Open, breaker.State);

        // The hung probe's late answer belongs to a half-open period that is over: it must not close the circuit.
        breaker.RecordSuccess(hung);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task Record_OutcomeFromBeforeTheCircuitOpened_IsIgnored()
    {
        var breaker = Create();
        Assert.True(breaker.TryAcquirePermit(out var early, out _));
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        breaker.RecordSuccess(early);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public async Task BreakDurationGenerator_RepeatedOpens_GrowsAndResetsOnClose()
    {
        var durations = new List<TimeSpan>();
        var breaker = Create(o =>
        {
            o.BreakDurationGenerator = BreakDurations.Exponential(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
            o.OnOpened = c => durations.Add(c.BreakDuration);
        });
        await TripAsync(breaker);
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(durations[^1]);
            await Fail(breaker);
        }

        _time.Advance(durations[^1]);
        await Succeed(breaker);
        await TripAsync(breaker);
        Assert.Equal([1, 2, 3, 3, 1], durations.Select(d => (int)d.TotalSeconds));
    }

    [Fact]
    public async Task Isolate_RejectsUntilClose_ThenCloseClearsCounters()
    {
        var breaker = Create();
        await Fail(breaker);
        breaker.Isolate();
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(CircuitState.Isolated, breaker.State);
        var outcome = await Succeed(breaker);
        Assert.Equal(RejectionReason.CircuitIsolated, outcome.Reason);
        await Assert.ThrowsAsync<IsolatedCircuitException>(async () => await breaker.ExecuteAsync(static (v, _) => ValueTask.FromResult(v), 1));
        breaker.Close();
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True((await Succeed(breaker)).IsSuccess);
        Assert.Equal(1, breaker.GetSnapshot().WindowCalls);
    }

    [Fact]
    public async Task Events_FullCycle_FireOncePerTransitionWithReason()
    {
        var events = new List<CircuitBreakerStateChange>();
        var breaker = Create(o =>
        {
            o.OnOpened = events.Add;
            o.OnHalfOpened = events.Add;
            o.OnClosed = events.Add;
        });
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        await Succeed(breaker);
        breaker.Isolate();
        breaker.Close();
        Assert.Equal(
            [
                (CircuitState.Closed, CircuitState.Open, CircuitTransitionReason.FailureRatio),
                (CircuitState.Open, CircuitState.HalfOpen, CircuitTransitionReason.BreakElapsed),
                (CircuitState.HalfOpen, CircuitState.Closed, CircuitTransitionReason.ProbesSucceeded),
                (CircuitState.Closed, CircuitState.Isolated, CircuitTransitionReason.Manual),
                (CircuitState.Isolated, CircuitState.Closed, CircuitTransitionReason.Manual),
            ],
            events.Select(e => (e.From, e.To, e.Reason)));
        Assert.All(events, e => Assert.Equal("test", e.Name));
    }

    [Fact]
    public async Task Events_ThrowingCallback_DoesNotBreakTheNonThrowingPath()
    {
        var breaker = Create(o => o.OnOpened = _ => throw new InvalidOperationException("callback"));
        for (var i = 0; i < 4; i++)
        {
            var outcome = await Fail(breaker);
            Assert.Equal("boom", outcome.Exception!.Message);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task ShouldHandleResult_TransientHttpStatus_CountsAsFailure()
    {
        var breaker = Create(o => o.ShouldHandleResult = ApiKit.Resilience.Http.HttpOutcomes.IsTransientResult);
        foreach (var status in new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.RequestTimeout, HttpStatusCode.OK })
        {
            using var response = new HttpResponseMessage(status);
            var outcome = await breaker.ExecuteOutcomeAsync(static (r, _) => ValueTask.FromResult(r), response);
            Assert.True(outcome.IsSuccess);
        }

        Assert.Equal(3, breaker.GetSnapshot().WindowFailures);
    }

    [Fact]
    public async Task ShouldHandleException_UnhandledException_CountsAsSuccess()
    {
        var breaker = Create(o => o.ShouldHandleException = e => e is TimeoutException);
        for (var i = 0; i < 4; i++)
        {
            await Fail(breaker);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(0, breaker.GetSnapshot().WindowFailures);
    }

    [Fact]
    public async Task Execute_CancelledByCaller_IsNotCountedAndFreesProbe()
    {
        var breaker = Create();
        await TripAsync(breaker);
        _time.Advance(TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var outcome = await breaker.ExecuteOutcomeAsync<int, int>(static (_, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            return ValueTask.FromResult(1);
        }, 0, cts.Token);
        Assert.IsType<OperationCanceledException>(outcome.Exception);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True((await Succeed(breaker)).IsSuccess);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task Execute_AsynchronousCallbackThrows_ThrowsOriginalAndCounts()
    {
        var breaker = Create();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await breaker.ExecuteAsync<int, int>(static async (_, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("async");
        }, 0));
        Assert.Equal("async", error.Message);
        Assert.Equal(1, breaker.GetSnapshot().WindowFailures);
    }

    [Fact]
    public async Task ExecuteOutcome_ClosedSynchronousCallback_AllocatesNothing()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { ConsecutiveFailures = 5 });
        for (var i = 0; i < 100; i++)
        {
            await Succeed(breaker);
            await breaker.ExecuteAsync(static (v, _) => ValueTask.FromResult(v), 1);
        }

        // Any allocation is at least 24 bytes, so fewer bytes than calls means no call allocated.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            await Succeed(breaker);
            await breaker.ExecuteAsync(static (v, _) => ValueTask.FromResult(v), 1);
        }

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 10_000);
    }

    [Fact]
    public async Task ExecuteOutcome_OpenCircuit_AllocatesNothing()
    {
        var breaker = Create();
        await TripAsync(breaker);
        for (var i = 0; i < 100; i++)
        {
            await Succeed(breaker);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True((await Succeed(breaker)).IsRejected);
        }

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 10_000);
    }

    [Fact]
    public void ApplySharedState_SameOpeningTwice_OpensOnceAndLaterBreakExtends()
    {
        var opened = new List<CircuitBreakerStateChange>();
        var breaker = Create(o => o.OnOpened = opened.Add);
        var until = _time.GetUtcNow().AddSeconds(20);
        breaker.ApplySharedState(CircuitState.Open, until);
        breaker.ApplySharedState(CircuitState.Open, until.AddMilliseconds(1));
        Assert.Single(opened);
        Assert.Equal(CircuitTransitionReason.Shared, opened[0].Reason);

        breaker.ApplySharedState(CircuitState.Open, until.AddSeconds(10));
        Assert.Equal(2, opened.Count);
        Assert.Equal(TimeSpan.FromSeconds(30), breaker.GetSnapshot().RetryAfter);

        breaker.ApplySharedState(CircuitState.Open, _time.GetUtcNow().AddSeconds(-1));
        breaker.ApplySharedState(CircuitState.Closed, default);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(2, opened.Count);
    }

    [Fact]
    public async Task Execute_ManyClosedCalls_ReadTheClockOncePerBucketAndStillExpireOnTime()
    {
        var clock = new CountingTimeProvider(_time);
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { MinimumThroughput = 4, SamplingDuration = TimeSpan.FromSeconds(10) }, clock);
        var before = clock.Reads;
        for (var i = 0; i < 1000; i++)
        {
            await Succeed(breaker);
        }

        Assert.InRange(clock.Reads - before, 1, 2);
        Assert.Equal(1000, breaker.GetSnapshot().WindowCalls);

        // The cached bucket goes stale at the boundary: the next outcome reads the clock again, and old calls expire.
        _time.Advance(TimeSpan.FromSeconds(10));
        await Fail(breaker);
        var snapshot = breaker.GetSnapshot();
        Assert.Equal((1, 1), (snapshot.WindowCalls, snapshot.WindowFailures));
    }

    private sealed class CountingTimeProvider(TimeProvider inner) : TimeProvider
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override long GetTimestamp()
        {
            Interlocked.Increment(ref _reads);
            return inner.GetTimestamp();
        }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => Create(o => o.FailureRatio = 1.5));
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => Create(o => o.HalfOpenProbes = 0));
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => Create(o => o.SlowCallDuration = TimeSpan.Zero));
    }
}
