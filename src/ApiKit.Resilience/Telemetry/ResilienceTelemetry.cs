using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ApiKit.Resilience.Telemetry;

/// <summary>The meter and activity source every ApiKit.Resilience strategy reports through.</summary>
public static class ResilienceTelemetry
{
    /// <summary>The name of the <see cref="Meter"/> and the <see cref="ActivitySource"/>.</summary>
    public const string Name = "ApiKit.Resilience";

    internal static readonly ActivitySource ActivitySource = new(Name);
    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> CircuitTransitions = Meter.CreateCounter<long>(
        "apikit.resilience.circuit_breaker.transitions", unit: "{transition}", description: "Circuit breaker state transitions.");

    internal static readonly Counter<long> CircuitRejections = Meter.CreateCounter<long>(
        "apikit.resilience.circuit_breaker.rejections", unit: "{call}", description: "Calls rejected by an open or isolated circuit.");

    internal static readonly Counter<long> RetryAttempts = Meter.CreateCounter<long>(
        "apikit.resilience.retry.attempts", unit: "{attempt}", description: "Retries scheduled after a handled outcome.");

    internal static readonly Counter<long> Timeouts = Meter.CreateCounter<long>(
        "apikit.resilience.timeouts", unit: "{call}", description: "Executions cancelled by a timeout strategy.");

    internal static readonly Counter<long> BulkheadRejections = Meter.CreateCounter<long>(
        "apikit.resilience.bulkhead.rejections", unit: "{call}", description: "Calls rejected by a full bulkhead.");

    internal static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>(
        "apikit.resilience.fallbacks", unit: "{call}", description: "Executions answered by a fallback.");

    /// <summary>Tags the current activity, if any is being recorded, without allocating when none is.</summary>
    internal static void TagCurrent(string key, object? value)
    {
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag(key, value);
        }
    }
}
