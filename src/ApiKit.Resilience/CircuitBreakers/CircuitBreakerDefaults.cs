namespace ApiKit.Resilience.CircuitBreakers;

/// <summary>The defaults of <see cref="CircuitBreakerOptions"/>, in one place.</summary>
public static class CircuitBreakerDefaults
{
    /// <summary>The default name of a breaker: <c>default</c>.</summary>
    public const string Name = "default";

    /// <summary>The default failure ratio that trips the circuit: 0.5.</summary>
    public const double FailureRatio = 0.5;

    /// <summary>The default minimum number of calls in the window before a ratio can trip: 10.</summary>
    public const int MinimumThroughput = 10;

    /// <summary>The default length of the rolling window: 30 seconds.</summary>
    public static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);

    /// <summary>The default number of buckets the rolling window is divided into: 10.</summary>
    public const int BucketCount = 10;

    /// <summary>The default slow-call ratio that trips the circuit once slow calls are measured: 1.0 (every call slow).</summary>
    public const double SlowCallRatio = 1.0;

    /// <summary>The default break duration: 5 seconds.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>The default number of probe calls let through in half-open: 1.</summary>
    public const int HalfOpenProbes = 1;

    /// <summary>The default share of probes that must succeed to close the circuit: 1.0 (all of them).</summary>
    public const double HalfOpenSuccessRatio = 1.0;

    /// <summary>The default time after which an unanswered probe counts as failed: 30 seconds.</summary>
    public static readonly TimeSpan HalfOpenProbeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default exception predicate: every exception except <see cref="OperationCanceledException"/> is a failure.</summary>
    public static readonly Func<Exception, bool> ShouldHandleException = static e => e is not OperationCanceledException;
}
