using System.Diagnostics.Metrics;

namespace ApiKit.Security.Jwt;

/// <summary>Metrics of the bearer scheme, on the <c>ApiKit.Security</c> meter.</summary>
internal static class JwtTelemetry
{
    public const string MeterName = "ApiKit.Security";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Authentications = Meter.CreateCounter<long>(
        "apikit.security.jwt.authentications",
        unit: "{request}",
        description: "Bearer authentications by outcome (the JwtValidationError name, or None when valid).");

    // One tag string per error code, made once, so recording allocates nothing.
    private static readonly string[] ErrorNames = Enum.GetNames<JwtValidationError>();

    public static void RecordAuthentication(JwtValidationError error) =>
        Authentications.Add(1, new KeyValuePair<string, object?>("error", ErrorNames[(int)error]));
}
