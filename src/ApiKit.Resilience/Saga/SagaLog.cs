using Microsoft.Extensions.Logging;

namespace ApiKit.Resilience.Saga;

internal static partial class SagaLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Saga '{SagaId}' step '{Step}' failed; compensating.")]
    public static partial void StepFailed(ILogger logger, string sagaId, string step, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Saga '{SagaId}' could not compensate step '{Step}'; it stays compensating until resumed.")]
    public static partial void CompensationFailed(ILogger logger, string sagaId, string step, Exception exception);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Saga '{SagaId}' was taken over by another instance.")]
    public static partial void TakenOver(ILogger logger, string sagaId, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Resuming saga '{SagaId}' ({Status}) at step {Step}.")]
    public static partial void Resuming(ILogger logger, string sagaId, SagaStatus status, int step);
}
