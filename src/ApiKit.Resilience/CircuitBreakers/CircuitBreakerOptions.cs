using System.ComponentModel.DataAnnotations;

namespace ApiKit.Resilience.CircuitBreakers;

/// <summary>Options of a <see cref="CircuitBreaker"/>. Any trip rule that is enabled can open the circuit.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Gets or sets the name of the breaker, used in events, metrics, logs and the shared state key.</summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.Name"/>.</value>
    [Required]
    public string Name { get; set; } = CircuitBreakerDefaults.Name;

    /// <summary>
    /// Gets or sets the share of failed calls in the rolling window that opens the circuit, or <see langword="null"/>
    /// to disable the ratio rule.
    /// </summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.FailureRatio"/>.</value>
    [Range(0.0001, 1.0)]
    public double? FailureRatio { get; set; } = CircuitBreakerDefaults.FailureRatio;

    /// <summary>Gets or sets how many calls the window must hold before a ratio rule (failure or slow-call) can trip.</summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.MinimumThroughput"/>.</value>
    [Range(1, int.MaxValue)]
    public int MinimumThroughput { get; set; } = CircuitBreakerDefaults.MinimumThroughput;

    /// <summary>Gets or sets the length of the rolling window the ratios are computed over.</summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.SamplingDuration"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = CircuitBreakerDefaults.SamplingDuration;

    /// <summary>Gets or sets how many buckets the window is divided into; a bucket is the precision of expiry.</summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.BucketCount"/>.</value>
    [Range(1, 1000)]
    public int BucketCount { get; set; } = CircuitBreakerDefaults.BucketCount;

    /// <summary>Gets or sets how many consecutive failures open the circuit, or <see langword="null"/> to disable the rule.</summary>
    /// <value>The default is <see langword="null"/> (disabled).</value>
    [Range(1, int.MaxValue)]
    public int? ConsecutiveFailures { get; set; }

    /// <summary>Gets or sets the duration from which a call counts as slow, or <see langword="null"/> to disable the slow-call rule.</summary>
    /// <value>The default is <see langword="null"/> (disabled).</value>
    public TimeSpan? SlowCallDuration { get; set; }

    /// <summary>Gets or sets the share of slow calls in the window that opens the circuit.</summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.SlowCallRatio"/>.</value>
    [Range(0.0001, 1.0)]
    public double SlowCallRatio { get; set; } = CircuitBreakerDefaults.SlowCallRatio;

    /// <summary>Gets or sets how long the circuit stays open when <see cref="BreakDurationGenerator"/> is not set.</summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.BreakDuration"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = CircuitBreakerDefaults.BreakDuration;

    /// <summary>
    /// Gets or sets a function that computes each break duration, for example growing with repeated opens
    /// (see <see cref="BreakDurations.Exponential"/>); <see langword="null"/> uses <see cref="BreakDuration"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Func<BreakDurationArguments, TimeSpan>? BreakDurationGenerator { get; set; }

    /// <summary>Gets or sets how many probe calls half-open lets through.</summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.HalfOpenProbes"/>.</value>
    [Range(1, 10_000)]
    public int HalfOpenProbes { get; set; } = CircuitBreakerDefaults.HalfOpenProbes;

    /// <summary>Gets or sets the share of the probes that must succeed to close the circuit; fewer reopens it.</summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.HalfOpenSuccessRatio"/>.</value>
    [Range(0.0001, 1.0)]
    public double HalfOpenSuccessRatio { get; set; } = CircuitBreakerDefaults.HalfOpenSuccessRatio;

    /// <summary>
    /// Gets or sets how long a probe may stay unanswered; after that it counts as failed and the circuit reopens,
    /// so a hung probe cannot hold the circuit half-open.
    /// </summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.HalfOpenProbeTimeout"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan HalfOpenProbeTimeout { get; set; } = CircuitBreakerDefaults.HalfOpenProbeTimeout;

    /// <summary>Gets or sets which exceptions count as failures. Exceptions that do not count are recorded as successes.</summary>
    /// <value>The default is <see cref="CircuitBreakerDefaults.ShouldHandleException"/>.</value>
    [Required]
    public Func<Exception, bool> ShouldHandleException { get; set; } = CircuitBreakerDefaults.ShouldHandleException;

    /// <summary>
    /// Gets or sets which results count as failures (for example <see cref="Http.HttpOutcomes.IsTransientResult"/>),
    /// or <see langword="null"/> when no result is a failure. A value-type result is boxed to be classified.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Func<object?, bool>? ShouldHandleResult { get; set; }

    /// <summary>Gets or sets a callback invoked (outside the breaker's lock) after the circuit opens or is isolated.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Action<CircuitBreakerStateChange>? OnOpened { get; set; }

    /// <summary>Gets or sets a callback invoked after the circuit moves to half-open.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Action<CircuitBreakerStateChange>? OnHalfOpened { get; set; }

    /// <summary>Gets or sets a callback invoked after the circuit closes.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Action<CircuitBreakerStateChange>? OnClosed { get; set; }

    /// <summary>
    /// Gets or sets a store that shares state between instances of a service (for example on Redis), or
    /// <see langword="null"/> to keep state local.
    /// </summary>
    /// <value>The default is <see langword="null"/> (local state).</value>
    public ICircuitBreakerSharedState? SharedState { get; set; }

    /// <summary>Returns a copy of these options with another name, for per-key breakers.</summary>
    /// <param name="name">The name of the copy.</param>
    /// <returns>The copy.</returns>
    public CircuitBreakerOptions WithName(string name)
    {
        var copy = (CircuitBreakerOptions)MemberwiseClone();
        copy.Name = name;
        return copy;
    }
}
