namespace ApiKit.Security.Headers;

/// <summary>The defaults of <see cref="SecurityHeadersPolicy"/>, following the OWASP HTTP headers cheat sheet for APIs.</summary>
public static class SecurityHeadersDefaults
{
    /// <summary>The API preset: nothing may load and nothing may frame the response.</summary>
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>The placeholder a Content-Security-Policy uses where the per-request nonce goes.</summary>
    public const string NoncePlaceholder = "{nonce}";

    /// <summary>The default <c>X-Frame-Options</c>: <c>DENY</c>.</summary>
    public const string FrameOptions = "DENY";

    /// <summary>The default <c>X-Content-Type-Options</c>: <c>nosniff</c>.</summary>
    public const string ContentTypeOptions = "nosniff";

    /// <summary>The default <c>Strict-Transport-Security</c> (HTTPS responses only): one year, subdomains included.</summary>
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    /// <summary>The default <c>Referrer-Policy</c>: <c>strict-origin-when-cross-origin</c>.</summary>
    public const string ReferrerPolicy = "strict-origin-when-cross-origin";

    /// <summary>The default <c>Permissions-Policy</c>: every powerful feature off.</summary>
    public const string PermissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    /// <summary>The default <c>Cross-Origin-Opener-Policy</c>: <c>same-origin</c>.</summary>
    public const string CrossOriginOpenerPolicy = "same-origin";

    /// <summary>The default <c>Cross-Origin-Resource-Policy</c>: <c>same-origin</c>.</summary>
    public const string CrossOriginResourcePolicy = "same-origin";

    /// <summary>The default <c>X-XSS-Protection</c>: <c>0</c>, as OWASP now advises (the auditor it enabled is gone and could be abused).</summary>
    public const string XssProtection = "0";

    /// <summary>The legacy <c>X-XSS-Protection</c> value of the design documents: <c>1; mode=block</c>.</summary>
    public const string LegacyXssProtection = "1; mode=block";
}
