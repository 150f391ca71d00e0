using System.Diagnostics.Metrics;
using ApiKit.Security.Telemetry;

namespace ApiKit.Security.ApiKeys;

/// <summary>Metrics of the <c>ApiKit.Security</c> meter about API keys.</summary>
internal static class ApiKeyMetrics
{
    /// <summary>Validations of presented keys, tagged with <c>status</c>.</summary>
    public static readonly Counter<long> Validations = SecurityTelemetry.Meter.CreateCounter<long>(
        "apikit.security.apikey.validations", "{validation}", "API key validations, by status.");

    public static void Record(ApiKeyValidationStatus status) =>
        Validations.Add(1, new KeyValuePair<string, object?>("status", StatusName(status)));

    private static string StatusName(ApiKeyValidationStatus status) => status switch
    {
        ApiKeyValidationStatus.Valid => "valid",
        ApiKeyValidationStatus.Malformed => "malformed",
        ApiKeyValidationStatus.ChecksumMismatch => "checksum_mismatch",
        ApiKeyValidationStatus.Unknown => "unknown",
        ApiKeyValidationStatus.Revoked => "revoked",
        _ => "expired",
    };
}
