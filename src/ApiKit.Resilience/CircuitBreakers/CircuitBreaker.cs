using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using ApiKit.Resilience.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiKit.Resilience.CircuitBreakers;

/// <summary>
/// A circuit breaker: closed, open, half-open with N probes, and isolated by hand. Trips on a failure ratio over a
/// rolling window, on consecutive failures and on a slow-call ratio. All time comes from a <see cref="TimeProvider"/>;
/// time-driven transitions are applied lazily, when a call or a state read observes them, so the breaker owns no timer.
/// </summary>
/// <remarks>
/// The closed path reads one volatile field, runs the callback and takes an uncontended lock to count the outcome;
/// it allocates nothing when the callback completes synchronously. Rejection on <see cref="ExecuteOutcomeAsync{TResult, TState}"/>
/// allocates nothing either: no exception is created.
/// </remarks>
public sealed class CircuitBreaker : ICircuitStateProvider
{
    private const int Closed = (int)CircuitState.Closed;
    private const int Open = (int)CircuitState.Open;
    private const int HalfOpen = (int)CircuitState.HalfOpen;
    private const int Isolated = (int)CircuitState.Isolated;
    private static readonly TimeSpan SharedExtensionThreshold = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly double _timespanTicksPerTimestamp;
    private readonly Func<Exception, bool> _shouldHandleException;
    private readonly Func<object?, bool>? _shouldHandleResult;
    private readonly bool _ratioEnabled;
    private readonly double _failureRatio;
    private readonly int _minimumThroughput;
    private readonly int _consecutiveThreshold;
    private readonly long _slowTimestamps;
    private readonly double _slowRatio;
    private readonly bool _windowEnabled;
    private readonly long _bucketTimestamps;
    private readonly Bucket[] _buckets;
    private readonly int _probes;
    private readonly int _probesRequired;
    private readonly long _probeTimeoutTimestamps;
    private readonly TimeSpan _breakDuration;
    private readonly Func<BreakDurationArguments, TimeSpan>? _breakDurationGenerator;
    private readonly Action<CircuitBreakerStateChange>? _onOpened;
    private readonly Action<CircuitBreakerStateChange>? _onHalfOpened;
    private readonly Action<CircuitBreakerStateChange>? _onClosed;
    private readonly ICircuitBreakerSharedState? _sharedState;
    private readonly KeyValuePair<string, object?> _nameTag;

    private readonly WeakReference<CircuitBreaker> _self;

    private volatile int _state;
    private volatile int _generation;
    private volatile bool _breakElapsed;
    private volatile bool _epochCurrent;
    private long _openUntil;
    private ITimer? _breakTimer;
    private ITimer? _epochTimer;

    // Guarded by _lock.
    private long _epoch;
    private int _windowTotal;
    private int _windowFailures;
    private int _windowSlow;
    private int _consecutiveFailures;
    private int _consecutiveOpens;
    private int _probesIssued;
    private int _probeSuccesses;
    private int _probeFailures;
    private long _lastProbeIssued;

    /// <summary>Creates a breaker.</summary>
    /// <param name="options">The options; they are validated and copied, later changes have no effect.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger for transitions; none when <see langword="null"/>.</param>
    /// <exception cref="ValidationException">The options are not valid.</exception>
    public CircuitBreaker(CircuitBreakerOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        if (options.SlowCallDuration is { } slow && slow <= TimeSpan.Zero)
        {
            throw new ValidationException("SlowCallDuration must be positive.");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Name = options.Name;
        _nameTag = new("apikit.resilience.circuit_breaker.name", Name);
        _timespanTicksPerTimestamp = (double)TimeSpan.TicksPerSecond / _timeProvider.TimestampFrequency;
        _shouldHandleException = options.ShouldHandleException;
        _shouldHandleResult = options.ShouldHandleResult;
        _ratioEnabled = options.FailureRatio is not null;
        _failureRatio = options.FailureRatio ?? 1;
        _minimumThroughput = options.MinimumThroughput;
        _consecutiveThreshold = options.ConsecutiveFailures ?? 0;
        _slowTimestamps = options.SlowCallDuration is { } d ? Math.Max(1, ToTimestamps(d)) : 0;
        _slowRatio = options.SlowCallRatio;
        _windowEnabled = _ratioEnabled || _slowTimestamps > 0;
        _buckets = new Bucket[options.BucketCount];
        _bucketTimestamps = Math.Max(1, ToTimestamps(options.SamplingDuration) / options.BucketCount);
        _probes = options.HalfOpenProbes;
        _probesRequired = Math.Clamp((int)Math.Ceiling(options.HalfOpenSuccessRatio * options.HalfOpenProbes), 1, options.HalfOpenProbes);
        _probeTimeoutTimestamps = Math.Max(1, ToTimestamps(options.HalfOpenProbeTimeout));
        _breakDuration = options.BreakDuration;
        _breakDurationGenerator = options.BreakDurationGenerator;
        _onOpened = options.OnOpened;
        _onHalfOpened = options.OnHalfOpened;
        _onClosed = options.OnClosed;
        _sharedState = options.SharedState;
        _epoch = _timeProvider.GetTimestamp() / _bucketTimestamps;
        _self = new WeakReference<CircuitBreaker>(this);
        _sharedState?.Attach(this);
    }

    /// <inheritdoc />
    public string Name { get; }

    internal TimeProvider TimeProvider => _timeProvider;

    /// <inheritdoc />
    public CircuitState State
    {
        get
        {
            if (_state == Closed)
            {
                return CircuitState.Closed;
            }

            CircuitBreakerStateChange? change = null;
            CircuitState state;
            lock (_lock)
            {
                ApplyDueTransitions(_timeProvider.GetTimestamp(), ref change);
                state = (CircuitState)_state;
            }

            Notify(change);
            return state;
        }
    }

    /// <summary>Returns the state and the counters the trip rules look at.</summary>
    /// <returns>The snapshot.</returns>
    public CircuitBreakerSnapshot GetSnapshot()
    {
        CircuitBreakerStateChange? change = null;
        CircuitBreakerSnapshot snapshot;
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            ApplyDueTransitions(now, ref change);
            if (_windowEnabled)
            {
                Advance(now / _bucketTimestamps);
            }

            var retryAfter = _state == Open ? ToTimeSpan(_openUntil - now) : TimeSpan.Zero;
            snapshot = new(Name, (CircuitState)_state, _windowTotal, _windowFailures, _consecutiveFailures, retryAfter);
        }

        Notify(change);
        return snapshot;
    }

    /// <summary>Opens the circuit by hand; it stays open until <see cref="Close"/> is called.</summary>
    public void Isolate() => ManualTransition(Isolated, CircuitTransitionReason.Manual);

    /// <summary>Closes the circuit by hand and clears its counters.</summary>
    public void Close() => ManualTransition(Closed, CircuitTransitionReason.Manual);

    /// <summary>
    /// Applies a state another instance published (used by <see cref="ICircuitBreakerSharedState"/> implementations);
    /// the change is not published again.
    /// </summary>
    /// <param name="state">The shared state: <see cref="CircuitState.Open"/>, <see cref="CircuitState.Isolated"/> or <see cref="CircuitState.Closed"/>.</param>
    /// <param name="openUntil">When <paramref name="state"/> is open, the wall-clock instant the break ends.</param>
    public void ApplySharedState(CircuitState state, DateTimeOffset openUntil)
    {
        CircuitBreakerStateChange? change = null;
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            switch (state)
            {
                case CircuitState.Open:
                    var remaining = openUntil - _timeProvider.GetUtcNow();
                    // Re-reads of the same opening differ by clock rounding: only a break that ends clearly later extends this one.
                    if (remaining > TimeSpan.Zero
                        && _state != Isolated
                        && (_state != Open || now + ToTimestamps(remaining) > _openUntil + ToTimestamps(SharedExtensionThreshold)))
                    {
                        OpenCircuit(now, CircuitTransitionReason.Shared, remaining, ref change);
                    }

                    break;
                case CircuitState.Isolated when _state != Isolated:
                    change = SetState(Isolated, CircuitTransitionReason.Shared, TimeSpan.Zero, DateTimeOffset.MaxValue);
                    break;
                case CircuitState.Closed when _state != Closed:
                    CloseCircuit(now, CircuitTransitionReason.Shared, ref change);
                    break;
                default:
                    break;
            }
        }

        Notify(change);
    }

    /// <summary>
    /// Asks for the right to make one call. On <see langword="true"/> the caller must report the outcome with
    /// <see cref="RecordSuccess"/>, <see cref="RecordFailure"/> or <see cref="RecordIgnored"/>.
    /// </summary>
    /// <param name="permit">The permit to report the outcome with.</param>
    /// <param name="retryAfter">When rejected, how long until the circuit may let a call through.</param>
    /// <returns>Whether the call may proceed.</returns>
    public bool TryAcquirePermit(out CircuitBreakerPermit permit, out TimeSpan retryAfter)
    {
        var acquired = TryAcquire(out permit, out _, out var until);
        retryAfter = RetryAfterFrom(until);
        return acquired;
    }

    /// <summary>Reports that the call of <paramref name="permit"/> succeeded.</summary>
    /// <param name="permit">The permit.</param>
    public void RecordSuccess(in CircuitBreakerPermit permit) => Record(in permit, failure: false);

    /// <summary>Reports that the call of <paramref name="permit"/> failed.</summary>
    /// <param name="permit">The permit.</param>
    public void RecordFailure(in CircuitBreakerPermit permit) => Record(in permit, failure: true);

    /// <summary>Reports that the call of <paramref name="permit"/> ended without a verdict (e.g. the caller cancelled); a probe slot is returned.</summary>
    /// <param name="permit">The permit.</param>
    public void RecordIgnored(in CircuitBreakerPermit permit)
    {
        if (!permit.IsProbe)
        {
            return;
        }

        lock (_lock)
        {
            if (permit.Generation == _generation && _probesIssued > 0)
            {
                _probesIssued--;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="callback"/> through the breaker without throwing: failures are returned as
    /// <see cref="OutcomeKind.Failure"/>, an open circuit as <see cref="OutcomeKind.Rejected"/> with its retry-after.
    /// </summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the callback (use it instead of a closure).</typeparam>
    /// <param name="callback">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="callback"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome.</returns>
    public ValueTask<Outcome<TResult>> ExecuteOutcomeAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<TResult>> callback,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (!TryAcquire(out var permit, out var reason, out var until))
        {
            return new(Outcome<TResult>.RejectedUntil(reason, until, _timeProvider));
        }

        ValueTask<TResult> pending;
        try
        {
            pending = callback(state, cancellationToken);
        }
        catch (Exception exception)
        {
            RecordException(in permit, exception, cancellationToken);
            return new(Outcome<TResult>.FromException(exception));
        }

        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            RecordResult(in permit, result);
            return new(Outcome<TResult>.FromResult(result));
        }

        return AwaitOutcomeAsync(pending, permit, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="callback"/> through the breaker. An open circuit throws <see cref="BrokenCircuitException"/>
    /// (or <see cref="IsolatedCircuitException"/>); the callback's own exceptions propagate unchanged.
    /// </summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the callback (use it instead of a closure).</typeparam>
    /// <param name="callback">The call to protect.</param>
    /// <param name="state">The state passed to <paramref name="callback"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result of the callback.</returns>
    public ValueTask<TResult> ExecuteAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<TResult>> callback,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (!TryAcquire(out var permit, out var reason, out var until))
        {
            return ValueTask.FromException<TResult>(Outcome<TResult>.Rejected(reason, RetryAfterFrom(until)).ToRejectionException());
        }

        ValueTask<TResult> pending;
        try
        {
            pending = callback(state, cancellationToken);
        }
        catch (Exception exception)
        {
            RecordException(in permit, exception, cancellationToken);
            throw;
        }

        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            RecordResult(in permit, result);
            return new(result);
        }

        return AwaitAsync(pending, permit, cancellationToken);
    }

    /// <summary>Runs <paramref name="callback"/> through the breaker; see <see cref="ExecuteAsync{TResult, TState}"/>.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <param name="callback">The call to protect.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result of the callback.</returns>
    public ValueTask<TResult> ExecuteAsync<TResult>(Func<CancellationToken, ValueTask<TResult>> callback, CancellationToken cancellationToken = default) =>
        ExecuteAsync(static (cb, ct) => cb(ct), callback, cancellationToken);

    /// <summary>Records an outcome that some other code produced under <paramref name="permit"/> (used by pipelines).</summary>
    internal void RecordOutcome<TResult>(in CircuitBreakerPermit permit, in Outcome<TResult> outcome, CancellationToken cancellationToken)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Success:
                RecordResult(in permit, outcome.Result);
                break;
            case OutcomeKind.Failure:
                RecordException(in permit, outcome.Exception!, cancellationToken);
                break;
            default:
                RecordIgnored(in permit);
                break;
        }
    }

    /// <summary>Asks for a permit; on rejection <paramref name="until"/> is the timestamp the rejection lasts until (0 if unknown).</summary>
    internal bool TryAcquire(out CircuitBreakerPermit permit, out RejectionReason reason, out long until)
    {
        // The generation is read before the state: a transition in between changes the generation, so the
        // permit's outcome is then ignored instead of being counted against the wrong state.
        var generation = _generation;
        var state = _state;
        if (state == Closed)
        {
            permit = new(generation, _slowTimestamps > 0 ? _timeProvider.GetTimestamp() : 0, isProbe: false);
            reason = RejectionReason.None;
            until = 0;
            return true;
        }

        // Until the break timer fires, an open circuit rejects without reading the clock (a clock read costs more
        // than the rest of the rejection); the slow path below decides exactly once the timer has fired.
        if (state == Open && !_breakElapsed)
        {
            return Reject(out permit, out reason, out until, RejectionReason.CircuitOpen, Volatile.Read(ref _openUntil));
        }

        return TryAcquireSlow(out permit, out reason, out until);
    }

    private bool TryAcquireSlow(out CircuitBreakerPermit permit, out RejectionReason reason, out long until)
    {
        var now = _timeProvider.GetTimestamp();
        if (_state == Open)
        {
            var openUntil = Volatile.Read(ref _openUntil);
            if (now < openUntil)
            {
                return Reject(out permit, out reason, out until, RejectionReason.CircuitOpen, openUntil);
            }
        }

        CircuitBreakerStateChange? change = null;
        bool acquired;
        long rejectUntil = 0;
        lock (_lock)
        {
            ApplyDueTransitions(now, ref change);
            switch (_state)
            {
                case Closed:
                    permit = new(_generation, now, isProbe: false);
                    acquired = true;
                    break;
                case HalfOpen when _probesIssued < _probes:
                    _probesIssued++;
                    _lastProbeIssued = now;
                    permit = new(_generation, now, isProbe: true);
                    acquired = true;
                    break;
                case HalfOpen:
                    permit = default;
                    acquired = false;
                    rejectUntil = _lastProbeIssued + _probeTimeoutTimestamps;
                    break;
                case Open:
                    permit = default;
                    acquired = false;
                    rejectUntil = _openUntil;
                    break;
                default:
                    permit = default;
                    acquired = false;
                    break;
            }

            reason = acquired ? RejectionReason.None : _state == Isolated ? RejectionReason.CircuitIsolated : RejectionReason.CircuitOpen;
        }

        Notify(change);
        if (acquired)
        {
            until = 0;
            return true;
        }

        return Reject(out permit, out reason, out until, reason, rejectUntil);
    }

    private bool Reject(out CircuitBreakerPermit permit, out RejectionReason reason, out long until, RejectionReason why, long rejectUntil)
    {
        permit = default;
        reason = why;
        until = rejectUntil;
        if (ResilienceTelemetry.CircuitRejections.Enabled)
        {
            ResilienceTelemetry.CircuitRejections.Add(1, _nameTag);
        }

        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("apikit.resilience.circuit_breaker.name", Name);
            activity.SetTag("apikit.resilience.circuit_breaker.rejected", why == RejectionReason.CircuitIsolated ? "isolated" : "open");
        }

        return false;
    }

    internal TimeSpan RetryAfterFrom(long until)
    {
        if (until == 0)
        {
            return TimeSpan.Zero;
        }

        var remaining = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), until);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private void RecordResult<TResult>(in CircuitBreakerPermit permit, TResult? result) =>
        Record(in permit, _shouldHandleResult is { } predicate && predicate(result));

    private void RecordException(in CircuitBreakerPermit permit, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            RecordIgnored(in permit);
            return;
        }

        Record(in permit, _shouldHandleException(exception));
    }

    private void Record(in CircuitBreakerPermit permit, bool failure)
    {
        // Closed-circuit outcomes need no clock read unless slow calls are measured: their bucket is the cached epoch.
        var now = _slowTimestamps > 0 || permit.IsProbe ? _timeProvider.GetTimestamp() : 0;
        var slow = _slowTimestamps > 0 && now - permit.StartTimestamp >= _slowTimestamps;
        CircuitBreakerStateChange? change = null;
        lock (_lock)
        {
            if (permit.Generation != _generation)
            {
                return;
            }

            if (permit.IsProbe)
            {
                RecordProbe(now, failure || slow, ref change);
            }
            else
            {
                RecordClosed(now, failure, slow, ref change);
            }
        }

        if (change is not null)
        {
            Notify(change);
        }
    }

    private void RecordClosed(long now, bool failure, bool slow, ref CircuitBreakerStateChange? change)
    {
        if (_windowEnabled)
        {
            var epoch = CurrentEpoch(ref now);
            ref var bucket = ref _buckets[(int)(epoch % _buckets.Length)];
            bucket.Total++;
            _windowTotal++;
            if (failure)
            {
                bucket.Failures++;
                _windowFailures++;
            }

            if (slow)
            {
                bucket.Slow++;
                _windowSlow++;
            }
        }

        if (!failure)
        {
            _consecutiveFailures = 0;
        }
        else
        {
            _consecutiveFailures++;
            if (_consecutiveThreshold > 0 && _consecutiveFailures >= _consecutiveThreshold)
            {
                OpenCircuit(Now(now), CircuitTransitionReason.ConsecutiveFailures, null, ref change);
                return;
            }

            if (_ratioEnabled && _windowTotal >= _minimumThroughput && _windowFailures >= _failureRatio * _windowTotal)
            {
                OpenCircuit(Now(now), CircuitTransitionReason.FailureRatio, null, ref change);
                return;
            }
        }

        if (slow && _windowTotal >= _minimumThroughput && _windowSlow >= _slowRatio * _windowTotal)
        {
            OpenCircuit(Now(now), CircuitTransitionReason.SlowCalls, null, ref change);
        }
    }

    private long Now(long now) => now != 0 ? now : _timeProvider.GetTimestamp();

    /// <summary>
    /// The window bucket an outcome recorded now belongs to. The clock is read once per bucket: a one-shot timer marks
    /// the cached epoch stale at the next bucket boundary, and idle breakers arm no timer at all.
    /// </summary>
    private long CurrentEpoch(ref long now)
    {
        if (_epochCurrent && (now == 0 || now / _bucketTimestamps == _epoch))
        {
            return _epoch;
        }

        now = Now(now);
        var epoch = now / _bucketTimestamps;
        Advance(epoch);
        var untilBoundary = ((epoch + 1) * _bucketTimestamps) - now;
        _epochTimer ??= _timeProvider.CreateTimer(
            static s =>
            {
                if (((WeakReference<CircuitBreaker>)s!).TryGetTarget(out var breaker))
                {
                    breaker._epochCurrent = false;
                }
            },
            _self,
            System.Threading.Timeout.InfiniteTimeSpan,
            System.Threading.Timeout.InfiniteTimeSpan);
        _epochCurrent = true;
        _epochTimer.Change(TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(untilBoundary * _timespanTicksPerTimestamp))), System.Threading.Timeout.InfiniteTimeSpan);
        return epoch;
    }

    private void RecordProbe(long now, bool failed, ref CircuitBreakerStateChange? change)
    {
        if (failed)
        {
            _probeFailures++;
        }
        else
        {
            _probeSuccesses++;
        }

        if (_probeSuccesses >= _probesRequired)
        {
            CloseCircuit(now, CircuitTransitionReason.ProbesSucceeded, ref change);
        }
        else if (_probeFailures > _probes - _probesRequired)
        {
            OpenCircuit(now, CircuitTransitionReason.ProbesFailed, null, ref change);
        }
    }

    private void ApplyDueTransitions(long now, ref CircuitBreakerStateChange? change)
    {
        if (_state == Open && now >= _openUntil)
        {
            _probesIssued = 0;
            _probeSuccesses = 0;
            _probeFailures = 0;
            change = SetState(HalfOpen, CircuitTransitionReason.BreakElapsed, TimeSpan.Zero, default);
        }
        else if (_state == HalfOpen
            && _probesIssued > _probeSuccesses + _probeFailures
            && now - _lastProbeIssued >= _probeTimeoutTimestamps)
        {
            OpenCircuit(now, CircuitTransitionReason.ProbeTimedOut, null, ref change);
        }
    }

    private void OpenCircuit(long now, CircuitTransitionReason reason, TimeSpan? duration, ref CircuitBreakerStateChange? change)
    {
        _consecutiveOpens++;
        var breakDuration = duration ?? _breakDurationGenerator?.Invoke(new(Name, _consecutiveOpens, reason)) ?? _breakDuration;
        if (breakDuration <= TimeSpan.Zero)
        {
            breakDuration = TimeSpan.FromTicks(1);
        }

        Volatile.Write(ref _openUntil, SaturatingAdd(now, ToTimestamps(breakDuration)));
        ResetWindow();
        _breakElapsed = false;
        _breakTimer?.Dispose();

        // The timer only holds a weak reference, so a forgotten breaker (and its timer) can be collected.
        _breakTimer = _timeProvider.CreateTimer(
            static s =>
            {
                if (((WeakReference<CircuitBreaker>)s!).TryGetTarget(out var breaker))
                {
                    breaker._breakElapsed = true;
                }
            },
            _self,
            breakDuration,
            System.Threading.Timeout.InfiniteTimeSpan);
        change = SetState(Open, reason, breakDuration, _timeProvider.GetUtcNow() + breakDuration);
    }

    private void CloseCircuit(long now, CircuitTransitionReason reason, ref CircuitBreakerStateChange? change)
    {
        _consecutiveOpens = 0;
        _epoch = now / _bucketTimestamps;
        _epochCurrent = false;
        ResetWindow();
        change = SetState(Closed, reason, TimeSpan.Zero, default);
    }

    private void ManualTransition(int target, CircuitTransitionReason reason)
    {
        CircuitBreakerStateChange? change = null;
        lock (_lock)
        {
            if (target == Closed)
            {
                if (_state != Closed)
                {
                    CloseCircuit(_timeProvider.GetTimestamp(), reason, ref change);
                }
            }
            else if (_state != Isolated)
            {
                ResetWindow();
                change = SetState(Isolated, reason, TimeSpan.Zero, DateTimeOffset.MaxValue);
            }
        }

        Notify(change);
    }

    private CircuitBreakerStateChange SetState(int target, CircuitTransitionReason reason, TimeSpan breakDuration, DateTimeOffset openUntil)
    {
        var from = (CircuitState)_state;
        if (target != Open && _breakTimer is not null)
        {
            _breakTimer.Dispose();
            _breakTimer = null;
        }

        _generation++;
        _state = target;
        return new CircuitBreakerStateChange(Name, from, (CircuitState)target, reason, breakDuration, openUntil);
    }

    private void ResetWindow()
    {
        Array.Clear(_buckets);
        _windowTotal = 0;
        _windowFailures = 0;
        _windowSlow = 0;
        _consecutiveFailures = 0;
        _probesIssued = 0;
        _probeSuccesses = 0;
        _probeFailures = 0;
    }

    private void Advance(long epoch)
    {
        var gap = epoch - _epoch;
        if (gap <= 0)
        {
            return;
        }

        if (gap >= _buckets.Length)
        {
            Array.Clear(_buckets);
            _windowTotal = 0;
            _windowFailures = 0;
            _windowSlow = 0;
        }
        else
        {
            for (var e = _epoch + 1; e <= epoch; e++)
            {
                ref var stale = ref _buckets[(int)(e % _buckets.Length)];
                _windowTotal -= stale.Total;
                _windowFailures -= stale.Failures;
                _windowSlow -= stale.Slow;
                stale = default;
            }
        }

        _epoch = epoch;
    }

    private void Notify(CircuitBreakerStateChange? change)
    {
        if (change is null)
        {
            return;
        }

        if (ResilienceTelemetry.CircuitTransitions.Enabled)
        {
            ResilienceTelemetry.CircuitTransitions.Add(1, _nameTag, new("apikit.resilience.circuit_breaker.state", StateName(change.To)));
        }

        Activity.Current?.AddEvent(new ActivityEvent(
            "apikit.resilience.circuit_breaker.transition",
            tags: new ActivityTagsCollection
            {
                { "apikit.resilience.circuit_breaker.name", Name },
                { "apikit.resilience.circuit_breaker.from", StateName(change.From) },
                { "apikit.resilience.circuit_breaker.to", StateName(change.To) },
            }));

        if (change.To is CircuitState.Open)
        {
            CircuitBreakerLog.Opened(_logger, Name, change.From, change.To, change.Reason, change.BreakDuration);
        }
        else
        {
            CircuitBreakerLog.Transitioned(_logger, Name, change.From, change.To, change.Reason);
        }

        var callback = change.To switch
        {
            CircuitState.Open or CircuitState.Isolated => _onOpened,
            CircuitState.HalfOpen => _onHalfOpened,
            _ => _onClosed,
        };
        try
        {
            callback?.Invoke(change);
            if (change.Reason != CircuitTransitionReason.Shared && change.To != CircuitState.HalfOpen)
            {
                _sharedState?.Publish(this, change);
            }
        }
#pragma warning disable CA1031 // A user callback must not turn the non-throwing path into a throwing one.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            CircuitBreakerLog.CallbackFailed(_logger, Name, exception);
        }
    }

    private static string StateName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        _ => "isolated",
    };

    private async ValueTask<Outcome<TResult>> AwaitOutcomeAsync<TResult>(ValueTask<TResult> pending, CircuitBreakerPermit permit, CancellationToken cancellationToken)
    {
        try
        {
            var result = await pending.ConfigureAwait(false);
            RecordResult(in permit, result);
            return Outcome<TResult>.FromResult(result);
        }
        catch (Exception exception)
        {
            RecordException(in permit, exception, cancellationToken);
            return Outcome<TResult>.FromException(exception);
        }
    }

    private async ValueTask<TResult> AwaitAsync<TResult>(ValueTask<TResult> pending, CircuitBreakerPermit permit, CancellationToken cancellationToken)
    {
        try
        {
            var result = await pending.ConfigureAwait(false);
            RecordResult(in permit, result);
            return result;
        }
        catch (Exception exception)
        {
            RecordException(in permit, exception, cancellationToken);
            throw;
        }
    }

    private long ToTimestamps(TimeSpan duration)
    {
        var value = duration.Ticks / _timespanTicksPerTimestamp;
        return value >= long.MaxValue / 4 ? long.MaxValue / 4 : (long)value;
    }

    private TimeSpan ToTimeSpan(long timestamps) => TimeSpan.FromTicks((long)(timestamps * _timespanTicksPerTimestamp));

    private static long SaturatingAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;

    private struct Bucket
    {
        public int Total;
        public int Failures;
        public int Slow;
    }
}
