namespace ApiKit.Resilience.CircuitBreakers;

/// <summary>The state of a circuit breaker.</summary>
public enum CircuitState
{
    /// <summary>Calls flow; outcomes are counted against the trip rules.</summary>
    Closed = 0,

    /// <summary>Calls are rejected until the break duration has passed.</summary>
    Open = 1,

    /// <summary>A limited number of probe calls flow; their outcomes close or reopen the circuit.</summary>
    HalfOpen = 2,

    /// <summary>Opened by hand: calls are rejected until <see cref="CircuitBreaker.Close"/> is called.</summary>
    Isolated = 3,
}

/// <summary>Reads the state of a circuit breaker without being able to change it.</summary>
public interface ICircuitStateProvider
{
    /// <summary>Gets the name of the breaker.</summary>
    string Name { get; }

    /// <summary>Gets the state a caller would observe now (time-driven transitions that are due are applied).</summary>
    CircuitState State { get; }
}
