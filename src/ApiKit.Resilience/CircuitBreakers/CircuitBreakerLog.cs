using Microsoft.Extensions.Logging;

namespace ApiKit.Resilience.CircuitBreakers;

internal static partial class CircuitBreakerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Circuit '{Name}' moved from {From} to {To} ({Reason}); break {BreakDuration}.")]
    public static partial void Opened(ILogger logger, string name, CircuitState from, CircuitState to, CircuitTransitionReason reason, TimeSpan breakDuration);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Circuit '{Name}' moved from {From} to {To} ({Reason}).")]
    public static partial void Transitioned(ILogger logger, string name, CircuitState from, CircuitState to, CircuitTransitionReason reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "A state-change callback of circuit '{Name}' threw; the breaker ignored it.")]
    public static partial void CallbackFailed(ILogger logger, string name, Exception exception);
}
