namespace ApiKit.Resilience.CircuitBreakers;

/// <summary>Why a circuit changed state.</summary>
public enum CircuitTransitionReason
{
    /// <summary>The failure ratio over the window reached the threshold.</summary>
    FailureRatio = 0,

    /// <summary>The number of consecutive failures reached the threshold.</summary>
    ConsecutiveFailures = 1,

    /// <summary>The share of slow calls over the window reached the threshold.</summary>
    SlowCalls = 2,

    /// <summary>The break duration passed.</summary>
    BreakElapsed = 3,

    /// <summary>Enough probes succeeded.</summary>
    ProbesSucceeded = 4,

    /// <summary>Too many probes failed.</summary>
    ProbesFailed = 5,

    /// <summary>A probe did not answer within the probe timeout.</summary>
    ProbeTimedOut = 6,

    /// <summary>Someone called <see cref="CircuitBreaker.Isolate"/> or <see cref="CircuitBreaker.Close"/>.</summary>
    Manual = 7,

    /// <summary>Another instance changed the shared state.</summary>
    Shared = 8,
}

/// <summary>One transition of a circuit breaker, as passed to its events.</summary>
/// <param name="Name">The name of the breaker.</param>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="Reason">Why the state changed.</param>
/// <param name="BreakDuration">How long the circuit stays open, when <paramref name="To"/> is <see cref="CircuitState.Open"/>.</param>
/// <param name="OpenUntil">The wall-clock instant the break ends, when <paramref name="To"/> is <see cref="CircuitState.Open"/>.</param>
public sealed record CircuitBreakerStateChange(
    string Name,
    CircuitState From,
    CircuitState To,
    CircuitTransitionReason Reason,
    TimeSpan BreakDuration,
    DateTimeOffset OpenUntil);

/// <summary>A point-in-time view of a breaker, for health checks and dashboards.</summary>
/// <param name="Name">The name of the breaker.</param>
/// <param name="State">The state.</param>
/// <param name="WindowCalls">The calls counted in the current window.</param>
/// <param name="WindowFailures">The failures counted in the current window.</param>
/// <param name="ConsecutiveFailures">The current run of consecutive failures.</param>
/// <param name="RetryAfter">How long until the circuit lets a probe through, when open.</param>
public readonly record struct CircuitBreakerSnapshot(
    string Name,
    CircuitState State,
    int WindowCalls,
    int WindowFailures,
    int ConsecutiveFailures,
    TimeSpan RetryAfter);

/// <summary>What a break-duration generator knows about the opening it is sizing.</summary>
/// <param name="Name">The name of the breaker.</param>
/// <param name="ConsecutiveOpens">How many times the circuit opened since it was last closed (1 on the first opening).</param>
/// <param name="Reason">Why the circuit opens.</param>
public readonly record struct BreakDurationArguments(string Name, int ConsecutiveOpens, CircuitTransitionReason Reason);

/// <summary>Ready-made break-duration generators.</summary>
public static class BreakDurations
{
    /// <summary>A break that starts at <paramref name="initial"/> and is multiplied by <paramref name="factor"/> on every reopening, up to <paramref name="maximum"/>.</summary>
    /// <param name="initial">The first break duration.</param>
    /// <param name="maximum">The longest break duration.</param>
    /// <param name="factor">The growth factor, at least 1.</param>
    /// <returns>A generator for <see cref="CircuitBreakerOptions.BreakDurationGenerator"/>.</returns>
    public static Func<BreakDurationArguments, TimeSpan> Exponential(TimeSpan initial, TimeSpan maximum, double factor = 2.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, initial);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1.0);
        return args =>
        {
            var ticks = initial.Ticks * Math.Pow(factor, Math.Max(0, args.ConsecutiveOpens - 1));
            return ticks >= maximum.Ticks ? maximum : TimeSpan.FromTicks((long)ticks);
        };
    }
}

/// <summary>
/// Shares circuit state between instances of a service. The breaker publishes the transitions it makes itself
/// and applies the ones other instances publish through <see cref="CircuitBreaker.ApplySharedState"/>.
/// Implementations must never throw and never block: the breaker calls them on its execution path.
/// </summary>
public interface ICircuitBreakerSharedState
{
    /// <summary>Starts following the shared state of <paramref name="breaker"/> (called once, from its constructor).</summary>
    /// <param name="breaker">The breaker.</param>
    void Attach(CircuitBreaker breaker);

    /// <summary>Publishes a transition the breaker made locally.</summary>
    /// <param name="breaker">The breaker.</param>
    /// <param name="change">The transition.</param>
    void Publish(CircuitBreaker breaker, CircuitBreakerStateChange change);
}
