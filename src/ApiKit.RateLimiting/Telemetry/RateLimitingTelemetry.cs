using System.Diagnostics.Metrics;

namespace ApiKit.RateLimiting;

/// <summary>Names of the telemetry ApiKit.RateLimiting emits.</summary>
public static class RateLimitingTelemetry
{
    /// <summary>The name of the meter: <c>ApiKit.RateLimiting</c>.</summary>
    public const string MeterName = "ApiKit.RateLimiting";

    /// <summary>Counter of decisions, tagged <c>policy</c> and <c>result</c> (<c>allowed</c>, <c>rejected</c>, <c>allow_listed</c>, <c>deny_listed</c>).</summary>
    public const string DecisionsCounter = "apikit.ratelimiting.decisions";

    /// <summary>Histogram of Redis round-trip durations in milliseconds, tagged <c>outcome</c>.</summary>
    public const string RedisDurationHistogram = "apikit.ratelimiting.redis.duration";

    /// <summary>Counter of decisions taken without Redis, tagged <c>policy</c>, <c>mode</c> and <c>reason</c>.</summary>
    public const string FallbacksCounter = "apikit.ratelimiting.fallbacks";
}

/// <summary>The instruments, created from the host's <see cref="IMeterFactory"/>.</summary>
internal sealed class RateLimitingMetrics
{
    public RateLimitingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(RateLimitingTelemetry.MeterName);
        Decisions = meter.CreateCounter<long>(RateLimitingTelemetry.DecisionsCounter, "{decision}", "Rate limit decisions by policy and result.");
        RedisDuration = meter.CreateHistogram<double>(RateLimitingTelemetry.RedisDurationHistogram, "ms", "Duration of the Redis decision round trip.");
        Fallbacks = meter.CreateCounter<long>(RateLimitingTelemetry.FallbacksCounter, "{decision}", "Decisions taken without Redis.");
    }

    public Counter<long> Decisions { get; }

    public Histogram<double> RedisDuration { get; }

    public Counter<long> Fallbacks { get; }

    public void RecordDecision(string policy, string result) =>
        Decisions.Add(1, new KeyValuePair<string, object?>("policy", policy), new KeyValuePair<string, object?>("result", result));
}
