namespace ApiKit.Resilience;

/// <summary>Thrown on the throwing path when a strategy refuses to run an execution.</summary>
public class ResilienceRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ResilienceRejectedException()
        : this("The execution was rejected.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ResilienceRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public ResilienceRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and a retry-after hint.</summary>
    /// <param name="message">The message.</param>
    /// <param name="retryAfter">How long to wait before trying again.</param>
    public ResilienceRejectedException(string message, TimeSpan retryAfter)
        : base(message) => RetryAfter = retryAfter;

    /// <summary>Gets how long to wait before trying again (zero when unknown).</summary>
    public TimeSpan RetryAfter { get; }
}

/// <summary>Thrown when a circuit breaker is open (or half-open with every probe slot taken).</summary>
public class BrokenCircuitException : ResilienceRejectedException
{
    /// <summary>Creates the exception.</summary>
    public BrokenCircuitException()
        : base("The circuit is open.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public BrokenCircuitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public BrokenCircuitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a retry-after hint.</summary>
    /// <param name="retryAfter">How long until the circuit lets a probe through.</param>
    public BrokenCircuitException(TimeSpan retryAfter)
        : base("The circuit is open.", retryAfter)
    {
    }
}

/// <summary>Thrown when a circuit breaker was isolated by hand.</summary>
public sealed class IsolatedCircuitException : BrokenCircuitException
{
    /// <summary>Creates the exception.</summary>
    public IsolatedCircuitException()
        : base("The circuit is isolated.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public IsolatedCircuitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public IsolatedCircuitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Thrown when a bulkhead has no free slot and its queue is full.</summary>
public sealed class BulkheadRejectedException : ResilienceRejectedException
{
    /// <summary>Creates the exception.</summary>
    public BulkheadRejectedException()
        : base("The bulkhead is full.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public BulkheadRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public BulkheadRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a retry-after hint.</summary>
    /// <param name="retryAfter">How long to wait before trying again.</param>
    public BulkheadRejectedException(TimeSpan retryAfter)
        : base("The bulkhead is full.", retryAfter)
    {
    }
}
