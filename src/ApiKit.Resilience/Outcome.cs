using System.Runtime.ExceptionServices;


namespace ApiKit.Resilience;

/// <summary>What happened to one execution: it succeeded, it failed, or a strategy refused to run it.</summary>
public enum OutcomeKind
{
    /// <summary>The callback ran and returned a result.</summary>
    Success = 0,

    /// <summary>The callback ran and threw; <see cref="Outcome{TResult}.Exception"/> holds the exception.</summary>
    Failure = 1,

    /// <summary>The callback did not run because a strategy refused it (open circuit, full bulkhead).</summary>
    Rejected = 2,
}

/// <summary>Why an execution was rejected without running.</summary>
public enum RejectionReason
{
    /// <summary>The execution was not rejected.</summary>
    None = 0,

    /// <summary>The circuit is open (or half-open with every probe slot taken).</summary>
    CircuitOpen = 1,

    /// <summary>The circuit was isolated by hand.</summary>
    CircuitIsolated = 2,

    /// <summary>The bulkhead had no free slot and its queue was full.</summary>
    BulkheadFull = 3,
}

/// <summary>
/// The result of an execution on the non-throwing path: a success with its result, a failure with its
/// exception, or a rejection with the time after which a retry may succeed. Building one allocates nothing.
/// </summary>
/// <typeparam name="TResult">The type of the result.</typeparam>
public readonly struct Outcome<TResult>
{
    // A duration in TimeSpan ticks, or, when _clock is set, the timestamp (in _clock's units) the rejection lasts until:
    // the remaining time is then only computed if someone asks, so rejecting never reads the clock.
    private readonly long _retryAfter;
    private readonly TimeProvider? _clock;

    private Outcome(OutcomeKind kind, TResult? result, Exception? exception, RejectionReason reason, long retryAfter, TimeProvider? clock)
    {
        Kind = kind;
        Result = result;
        Exception = exception;
        Reason = reason;
        _retryAfter = retryAfter;
        _clock = clock;
    }

    /// <summary>Gets what happened.</summary>
    public OutcomeKind Kind { get; }

    /// <summary>Gets the result when <see cref="Kind"/> is <see cref="OutcomeKind.Success"/>.</summary>
    public TResult? Result { get; }

    /// <summary>Gets the exception when <see cref="Kind"/> is <see cref="OutcomeKind.Failure"/>.</summary>
    public Exception? Exception { get; }

    /// <summary>Gets why the execution was rejected, or <see cref="RejectionReason.None"/>.</summary>
    public RejectionReason Reason { get; }

    /// <summary>
    /// Gets how long to wait before trying again when the execution was rejected (zero when unknown). For an open
    /// circuit it is the time remaining until the break ends, as of when the property is read.
    /// </summary>
    public TimeSpan RetryAfter
    {
        get
        {
            if (_clock is null)
            {
                return TimeSpan.FromTicks(_retryAfter);
            }

            var remaining = _clock.GetElapsedTime(_clock.GetTimestamp(), _retryAfter);
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    /// <summary>Gets whether the callback ran and returned a result.</summary>
    public bool IsSuccess => Kind == OutcomeKind.Success;

    /// <summary>Gets whether the execution was rejected without running.</summary>
    public bool IsRejected => Kind == OutcomeKind.Rejected;

    /// <summary>Creates a successful outcome.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The outcome.</returns>
    internal static Outcome<TResult> FromResult(TResult result) => new(OutcomeKind.Success, result, null, RejectionReason.None, 0, null);

    /// <summary>Creates a failed outcome.</summary>
    /// <param name="exception">The exception the callback threw.</param>
    /// <returns>The outcome.</returns>
    internal static Outcome<TResult> FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(OutcomeKind.Failure, default, exception, RejectionReason.None, 0, null);
    }

    /// <summary>Creates a rejected outcome.</summary>
    /// <param name="reason">Why the execution was rejected.</param>
    /// <param name="retryAfter">How long to wait before trying again.</param>
    /// <returns>The outcome.</returns>
    internal static Outcome<TResult> Rejected(RejectionReason reason, TimeSpan retryAfter) =>
        new(OutcomeKind.Rejected, default, null, reason, retryAfter < TimeSpan.Zero ? 0 : retryAfter.Ticks, null);

    internal static Outcome<TResult> RejectedUntil(RejectionReason reason, long untilTimestamp, TimeProvider clock) =>
        new(OutcomeKind.Rejected, default, null, reason, untilTimestamp, clock);

    /// <summary>Returns the result, or throws the failure's exception (with its original stack) or a rejection exception.</summary>
    /// <returns>The result of a successful outcome.</returns>
    public TResult GetResultOrThrow()
    {
        switch (Kind)
        {
            case OutcomeKind.Success:
                return Result!;
            case OutcomeKind.Failure:
                ExceptionDispatchInfo.Throw(Exception!);
                return default!;
            default:
                throw ToRejectionException();
        }
    }

    /// <summary>Returns the result of a success, or <paramref name="fallback"/> otherwise.</summary>
    /// <param name="fallback">The value to return when the outcome is not a success.</param>
    /// <returns>The result or the fallback.</returns>
    public TResult GetResultOrDefault(TResult fallback) => Kind == OutcomeKind.Success ? Result! : fallback;

    /// <summary>Converts the outcome to another result type; only valid for outcomes that are not successes.</summary>

    internal ResilienceRejectedException ToRejectionException() => Reason switch
    {
        RejectionReason.BulkheadFull => new BulkheadRejectedException(RetryAfter),
        RejectionReason.CircuitIsolated => new IsolatedCircuitException(),
        _ => new BrokenCircuitException(RetryAfter),
    };
}

/// <summary>Builds <see cref="Outcome{TResult}"/> values with type inference.</summary>
public static class Outcome
{
    /// <summary>Creates a successful outcome.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <param name="result">The result.</param>
    /// <returns>The outcome.</returns>
    public static Outcome<TResult> FromResult<TResult>(TResult result) => Outcome<TResult>.FromResult(result);

    /// <summary>Creates a failed outcome.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <param name="exception">The exception.</param>
    /// <returns>The outcome.</returns>
    public static Outcome<TResult> FromException<TResult>(Exception exception) => Outcome<TResult>.FromException(exception);

    /// <summary>Creates a rejected outcome.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <param name="reason">Why the execution was rejected.</param>
    /// <param name="retryAfter">How long to wait before trying again.</param>
    /// <returns>The outcome.</returns>
    public static Outcome<TResult> Rejected<TResult>(RejectionReason reason, TimeSpan retryAfter) => Outcome<TResult>.Rejected(reason, retryAfter);
}
