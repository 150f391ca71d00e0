using System.Diagnostics;
using System.Diagnostics.Metrics;
using ApiKit.Security.Telemetry;

namespace ApiKit.Security.Jwt;

/// <summary>Metrics of the bearer scheme, on the <c>ApiKit.Security</c> meter.</summary>
internal static class JwtTelemetry
{
    private static readonly Counter<long> Authentications = SecurityTelemetry.Meter.CreateCounter<long>(
        "apikit.security.jwt.authentications",
        unit: "{request}",
        description: "Bearer authentications by outcome (the JwtValidationError name, or None when valid).");

    // One tag string per error code, made once, so recording allocates nothing.
    private static readonly string[] ErrorNames = Enum.GetNames<JwtValidationError>();

    public static void RecordAuthentication(Activity? activity, JwtValidationError error)
    {
        var name = ErrorNames[(int)error];
        activity?.SetTag("apikit.jwt.error", name);
        Authentications.Add(1, new KeyValuePair<string, object?>("error", name));
    }
}
