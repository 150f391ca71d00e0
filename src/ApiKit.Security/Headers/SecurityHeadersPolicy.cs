namespace ApiKit.Security.Headers;

/// <summary>
/// The security headers of a response. Every value is a complete header value; <see langword="null"/> or empty leaves
/// the header out. Values are validated and turned into ready-made header values at start-up.
/// </summary>
public sealed class SecurityHeadersPolicy
{
    /// <summary>Gets or sets <c>Content-Security-Policy</c>; may contain <see cref="SecurityHeadersDefaults.NoncePlaceholder"/> for per-request nonces (see <see cref="ContentSecurityPolicyBuilder"/>).</summary>
    /// <value><see cref="SecurityHeadersDefaults.ApiContentSecurityPolicy"/>.</value>
    public string? ContentSecurityPolicy { get; set; } = SecurityHeadersDefaults.ApiContentSecurityPolicy;

    /// <summary>Gets or sets <c>X-Frame-Options</c>.</summary>
    /// <value><see cref="SecurityHeadersDefaults.FrameOptions"/> (<c>DENY</c>).</value>
    public string? FrameOptions { get; set; } = SecurityHeadersDefaults.FrameOptions;

    /// <summary>Gets or sets <c>X-Content-Type-Options</c>.</summary>
    /// <value><see cref="SecurityHeadersDefaults.ContentTypeOptions"/> (<c>nosniff</c>).</value>
    public string? ContentTypeOptions { get; set; } = SecurityHeadersDefaults.ContentTypeOptions;

    /// <summary>Gets or sets <c>Strict-Transport-Security</c>, sent on HTTPS responses only (RFC 6797 section 7.2).</summary>
    /// <value><see cref="SecurityHeadersDefaults.StrictTransportSecurity"/>.</value>
    public string? StrictTransportSecurity { get; set; } = SecurityHeadersDefaults.StrictTransportSecurity;

    /// <summary>Gets or sets <c>Referrer-Policy</c>.</summary>
    /// <value><see cref="SecurityHeadersDefaults.ReferrerPolicy"/>.</value>
    public string? ReferrerPolicy { get; set; } = SecurityHeadersDefaults.ReferrerPolicy;

    /// <summary>Gets or sets <c>Permissions-Policy</c>.</summary>
    /// <value><see cref="SecurityHeadersDefaults.PermissionsPolicy"/>.</value>
    public string? PermissionsPolicy { get; set; } = SecurityHeadersDefaults.PermissionsPolicy;

    /// <summary>Gets or sets <c>Cross-Origin-Opener-Policy</c>.</summary>
    /// <value><see cref="SecurityHeadersDefaults.CrossOriginOpenerPolicy"/>.</value>
    public string? CrossOriginOpenerPolicy { get; set; } = SecurityHeadersDefaults.CrossOriginOpenerPolicy;

    /// <summary>Gets or sets <c>Cross-Origin-Resource-Policy</c>.</summary>
    /// <value><see cref="SecurityHeadersDefaults.CrossOriginResourcePolicy"/>.</value>
    public string? CrossOriginResourcePolicy { get; set; } = SecurityHeadersDefaults.CrossOriginResourcePolicy;

    /// <summary>Gets or sets <c>X-XSS-Protection</c>; <see cref="UseLegacyXssProtection"/> switches to the design documents' <c>1; mode=block</c>.</summary>
    /// <value><see cref="SecurityHeadersDefaults.XssProtection"/> (<c>0</c>).</value>
    public string? XssProtection { get; set; } = SecurityHeadersDefaults.XssProtection;

    /// <summary>Gets or sets a value indicating whether the <c>Server</c> header is removed. Kestrel writes its own after this middleware runs: also set <c>KestrelServerOptions.AddServerHeader = false</c>.</summary>
    /// <value><see langword="true"/>.</value>
    public bool RemoveServerHeader { get; set; } = true;

    /// <summary>Sends <c>X-XSS-Protection: 1; mode=block</c>, as the design documents ask, instead of OWASP's <c>0</c>.</summary>
    /// <returns>This policy.</returns>
    public SecurityHeadersPolicy UseLegacyXssProtection()
    {
        XssProtection = SecurityHeadersDefaults.LegacyXssProtection;
        return this;
    }
}
