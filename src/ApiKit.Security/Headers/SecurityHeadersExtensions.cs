using ApiKit.Security.Headers;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the security headers middleware and selects policies per endpoint.</summary>
public static class SecurityHeadersExtensions
{
    /// <summary>
    /// Adds the security headers middleware. Put it first, before the exception handler and the rate limiter, so
    /// their responses carry the headers too. Call <c>AddApiKitSecurityHeaders</c> as well.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder.</returns>
    public static IApplicationBuilder UseApiKitSecurityHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<SecurityHeadersMiddleware>();
    }

    /// <summary>Selects the named policy for these endpoints.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint builder.</param>
    /// <param name="policyName">The policy name.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithSecurityHeaders<TBuilder>(this TBuilder builder, string policyName)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new SecurityHeadersPolicyAttribute(policyName));
    }

    /// <summary>
    /// Gets the Content-Security-Policy nonce of this request (created on first use), for <c>nonce="…"</c>
    /// attributes of inline scripts and styles. The header sent with the response carries the same nonce.
    /// </summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>The nonce (128 random bits, base64).</returns>
    public static string GetCspNonce(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SecurityHeadersMiddleware.GetOrCreateNonce(context);
    }
}
