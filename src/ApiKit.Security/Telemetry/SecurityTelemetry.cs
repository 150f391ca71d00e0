using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ApiKit.Security.Telemetry;

/// <summary>
/// The meter and activity source every ApiKit.Security feature reports through, so one
/// <c>AddMeter("ApiKit.Security")</c> / <c>AddSource("ApiKit.Security")</c> subscribes to all of them.
/// </summary>
public static class SecurityTelemetry
{
    /// <summary>The name of the <see cref="Meter"/> and the <see cref="ActivitySource"/>: <c>ApiKit.Security</c>.</summary>
    public const string Name = "ApiKit.Security";

    /// <summary>The activity of one Argon2id hash: <c>apikit.security.password.hash</c>.</summary>
    public const string PasswordHashActivity = "apikit.security.password.hash";

    /// <summary>The activity of one Argon2id verification, tagged <c>apikit.result</c>: <c>apikit.security.password.verify</c>.</summary>
    public const string PasswordVerifyActivity = "apikit.security.password.verify";

    /// <summary>The activity of one bearer token validation, tagged <c>apikit.jwt.error</c>: <c>apikit.security.jwt.validate</c>.</summary>
    public const string JwtValidateActivity = "apikit.security.jwt.validate";

    /// <summary>The activity of one second-factor attempt, tagged <c>apikit.mfa.method</c> and <c>apikit.result</c>: <c>apikit.security.mfa.verify</c>.</summary>
    public const string MfaVerifyActivity = "apikit.security.mfa.verify";

    internal const string ResultTag = "apikit.result";

    internal static readonly ActivitySource ActivitySource = new(Name, typeof(SecurityTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(SecurityTelemetry).Assembly.GetName().Version?.ToString());
}
