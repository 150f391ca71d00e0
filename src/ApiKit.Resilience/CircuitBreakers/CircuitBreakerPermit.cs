namespace ApiKit.Resilience.CircuitBreakers;

/// <summary>
/// The right to make one call through a breaker, from <see cref="CircuitBreaker.TryAcquirePermit"/>. Report its
/// outcome exactly once with <see cref="CircuitBreaker.RecordSuccess"/>, <see cref="CircuitBreaker.RecordFailure"/>
/// or <see cref="CircuitBreaker.RecordIgnored"/>; outcomes reported after the circuit changed state are ignored.
/// </summary>
public readonly struct CircuitBreakerPermit
{
    internal CircuitBreakerPermit(int generation, long startTimestamp, bool isProbe)
    {
        Generation = generation;
        StartTimestamp = startTimestamp;
        IsProbe = isProbe;
    }

    /// <summary>Gets whether this call is one of the half-open probes.</summary>
    public bool IsProbe { get; }

    internal int Generation { get; }

    internal long StartTimestamp { get; }
}
