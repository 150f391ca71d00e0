namespace ApiKit.Resilience;

/// <summary>Thrown (or returned as a failure) when a timeout strategy cancelled an execution.</summary>
public sealed class TimeoutRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TimeoutRejectedException()
        : base("The operation did not complete within the timeout.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TimeoutRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cancellation it caused.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public TimeoutRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a timeout of <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The timeout that elapsed.</param>
    /// <param name="innerException">The cancellation the timeout caused.</param>
    public TimeoutRejectedException(TimeSpan timeout, Exception? innerException)
        : base($"The operation did not complete within {timeout}.", innerException) => Timeout = timeout;

    /// <summary>Gets the timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}
