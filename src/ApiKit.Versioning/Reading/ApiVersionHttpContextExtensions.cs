using ApiKit.Versioning;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads the outcome of versioning for the current request.</summary>
public static class ApiVersionHttpContextExtensions
{
    /// <summary>
    /// Gets the version the request is served as (the requested one, or the default), or <see langword="null"/> when
    /// the request did not reach a versioned API or its version could not be resolved.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <returns>The version, or <see langword="null"/>.</returns>
    public static ApiVersion? GetRequestedApiVersion(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ApiVersioningFeature>() is { RequestedVersion.IsValid: true } feature ? feature.RequestedVersion : null;
    }
}
