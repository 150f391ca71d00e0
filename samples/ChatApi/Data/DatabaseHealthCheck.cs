using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApi.Data;

/// <summary>Readiness: the database answers a real query and its schema is the one this build needs.</summary>
internal sealed partial class DatabaseHealthCheck(IChatDatabase database, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await database.GetVersionAsync(cancellationToken);
            return version == database.RequiredVersion
                ? HealthCheckResult.Healthy($"Schema version {version}.")
                : HealthCheckResult.Unhealthy($"Schema version {version}, but {database.RequiredVersion} is required.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The exception goes to the log only: a health endpoint is often public.
            LogFailed(logger, exception);
            return HealthCheckResult.Unhealthy("The database could not be queried.");
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Database readiness check failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
