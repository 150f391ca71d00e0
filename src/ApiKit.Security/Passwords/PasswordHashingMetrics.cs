using System.Diagnostics;
using System.Diagnostics.Metrics;
using ApiKit.Security.Telemetry;

namespace ApiKit.Security.Passwords;

/// <summary>Metrics of the <c>ApiKit.Security</c> meter about password hashing.</summary>
internal static class PasswordHashingMetrics
{
    /// <summary>Hashes and verifications, tagged with <c>operation</c> (hash, verify) and <c>result</c>.</summary>
    public static readonly Counter<long> Operations = SecurityTelemetry.Meter.CreateCounter<long>(
        "apikit.security.password.operations", "{operation}", "Argon2id hashes and verifications, by operation and result.");

    /// <summary>Callers waiting for a hashing slot, so that a login storm shows up before latency does.</summary>
    public static readonly UpDownCounter<long> Queued = SecurityTelemetry.Meter.CreateUpDownCounter<long>(
        "apikit.security.password.queued", "{caller}", "Callers waiting for one of the MaxConcurrentHashes slots.");

    public static void Record(Activity? activity, string operation, string result)
    {
        activity?.SetTag(SecurityTelemetry.ResultTag, result);
        Operations.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("result", result));
    }
}
