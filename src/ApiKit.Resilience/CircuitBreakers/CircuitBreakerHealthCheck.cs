using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApiKit.Resilience.CircuitBreakers;

/// <summary>
/// Reports every breaker of a <see cref="CircuitBreakerRegistry"/>: healthy when all are closed, otherwise the
/// registration's failure status (degraded by default). The data lists each breaker's state by name.
/// </summary>
/// <param name="registry">The registry to report.</param>
public sealed class CircuitBreakerHealthCheck(CircuitBreakerRegistry registry) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var snapshots = registry.GetSnapshots();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var notClosed = 0;
        foreach (var snapshot in snapshots)
        {
            data[snapshot.Name] = snapshot.State.ToString();
            if (snapshot.State != CircuitState.Closed)
            {
                notClosed++;
            }
        }

        var result = notClosed == 0
            ? HealthCheckResult.Healthy($"{snapshots.Count} circuit(s) closed.", data)
            : new HealthCheckResult(context.Registration.FailureStatus, $"{notClosed} of {snapshots.Count} circuit(s) not closed.", data: data);
        return Task.FromResult(result);
    }
}
