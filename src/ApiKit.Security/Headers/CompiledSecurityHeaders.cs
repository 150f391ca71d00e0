using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ApiKit.Security.Headers;

/// <summary>A policy turned into ready-made <see cref="StringValues"/> at start-up, so applying it allocates nothing.</summary>
internal sealed class CompiledSecurityHeaders
{
    private CompiledSecurityHeaders(KeyValuePair<string, StringValues>[] headers, StringValues hsts, string[]? nonceParts, bool removeServer)
    {
        Headers = headers;
        StrictTransportSecurity = hsts;
        NonceParts = nonceParts;
        RemoveServer = removeServer;
    }

    public KeyValuePair<string, StringValues>[] Headers { get; }

    public StringValues StrictTransportSecurity { get; }

    /// <summary>The CSP split around the nonce placeholder; null when the CSP has no nonce (then it is in <see cref="Headers"/>).</summary>
    public string[]? NonceParts { get; }

    public bool RemoveServer { get; }

    public static CompiledSecurityHeaders Compile(SecurityHeadersPolicy policy)
    {
        var headers = new List<KeyValuePair<string, StringValues>>();
        string[]? nonceParts = null;
        if (policy.ContentSecurityPolicy is { Length: > 0 } csp)
        {
            if (csp.Contains(SecurityHeadersDefaults.NoncePlaceholder, StringComparison.Ordinal))
            {
                nonceParts = csp.Split(SecurityHeadersDefaults.NoncePlaceholder);
            }
            else
            {
                Add(HeaderNames.ContentSecurityPolicy, csp);
            }
        }

        Add(HeaderNames.XFrameOptions, policy.FrameOptions);
        Add(HeaderNames.XContentTypeOptions, policy.ContentTypeOptions);
        Add("Referrer-Policy", policy.ReferrerPolicy);
        Add("Permissions-Policy", policy.PermissionsPolicy);
        Add("Cross-Origin-Opener-Policy", policy.CrossOriginOpenerPolicy);
        Add("Cross-Origin-Resource-Policy", policy.CrossOriginResourcePolicy);
        Add(HeaderNames.XXSSProtection, policy.XssProtection);
        return new CompiledSecurityHeaders([.. headers], policy.StrictTransportSecurity is { Length: > 0 } hsts ? new StringValues(hsts) : StringValues.Empty, nonceParts, policy.RemoveServerHeader);

        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                headers.Add(new(name, new StringValues(value)));
            }
        }
    }

    /// <summary>Whether a configured value is safe to send: visible ASCII and spaces only, so no header can be injected. Empty means "leave out".</summary>
    public static bool IsValidHeaderValue(string? value) =>
        value is null || value.All(c => c is >= ' ' and <= '~');
}
