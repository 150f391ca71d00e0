using System.Diagnostics;
using System.Diagnostics.Metrics;
using ApiKit.Security.Telemetry;

namespace ApiKit.Security.Mfa;

/// <summary>Metrics of the <c>ApiKit.Security</c> meter about second-factor attempts.</summary>
internal static class MfaMetrics
{
    /// <summary>Second-factor attempts, tagged with <c>method</c> (totp, backup_code) and <c>result</c>.</summary>
    public static readonly Counter<long> Attempts = SecurityTelemetry.Meter.CreateCounter<long>(
        "apikit.security.mfa.attempts", "{attempt}", "TOTP and backup-code attempts, by method and result.");

    public static Activity? StartActivity(string method) =>
        SecurityTelemetry.ActivitySource.StartActivity(SecurityTelemetry.MfaVerifyActivity)?.SetTag("apikit.mfa.method", method);

    public static void Record(Activity? activity, string method, string result)
    {
        activity?.SetTag(SecurityTelemetry.ResultTag, result);
        Attempts.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("result", result));
    }
}
