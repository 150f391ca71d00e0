using System.Diagnostics.Metrics;

namespace ApiKit.Security.Mfa;

/// <summary>Metrics of the <c>ApiKit.Security</c> meter about second-factor attempts.</summary>
internal static class MfaMetrics
{
    private static readonly Meter Meter = new("ApiKit.Security");

    /// <summary>Second-factor attempts, tagged with <c>method</c> (totp, backup_code) and <c>result</c>.</summary>
    public static readonly Counter<long> Attempts = Meter.CreateCounter<long>(
        "apikit.security.mfa.attempts", "{attempt}", "TOTP and backup-code attempts, by method and result.");

    public static void Record(string method, string result) =>
        Attempts.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("result", result));
}
