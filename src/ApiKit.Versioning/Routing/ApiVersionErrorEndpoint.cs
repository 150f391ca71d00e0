using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Versioning;

/// <summary>
/// The endpoint the matcher policy selects when no candidate serves the requested version: it writes an RFC 9457
/// problem with a <c>type</c> URI, a <c>code</c> extension and the supported versions.
/// </summary>
internal static class ApiVersionErrorEndpoint
{
    public static readonly Endpoint Instance = new(WriteAsync, new EndpointMetadataCollection(), "API versioning error");

    public static (int Status, string Code, string Title, string Detail) Describe(ApiVersionErrorKind kind, int status) => kind switch
    {
        ApiVersionErrorKind.Unspecified => (status, "ApiVersionUnspecified", "API version required", "The request names no API version and this API has no default."),
        ApiVersionErrorKind.Invalid => (status, "ApiVersionInvalid", "Invalid API version", "The requested API version is malformed; versions are 'major[.minor]' or 'yyyy-MM-dd'."),
        ApiVersionErrorKind.Ambiguous => (status, "ApiVersionAmbiguous", "Ambiguous API version", "The request names more than one API version."),
        ApiVersionErrorKind.Sunset => (status, "ApiVersionSunset", "API version retired", "The requested API version is past its sunset date."),
        _ => (status, "ApiVersionUnsupported", "Unsupported API version", "This API does not support the requested version."),
    };

    private static async Task WriteAsync(HttpContext context)
    {
        var feature = context.Features.Get<ApiVersioningFeature>();
        if (feature is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<ApiVersioningOptions>>().Value;
        var (status, code, title, detail) = Describe(feature.Error, feature.ErrorStatus);
        var problem = new ProblemDetails
        {
            Status = status,
            Type = options.ProblemTypeBaseUri + Kebab(code),
            Title = title,
            Detail = detail,
            Instance = feature.OriginalPath ?? context.Request.Path.Value,
        };
        problem.Extensions["code"] = code;
        problem.Extensions["supportedVersions"] = feature.Model?.SupportedTexts ?? [];
        if (feature.RequestedVersion.IsValid)
        {
            problem.Extensions["requestedVersion"] = feature.RequestedVersion.ToString();
        }

        context.Response.StatusCode = status;
        var service = context.RequestServices.GetService<IProblemDetailsService>();
        if (service is null || !await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json").ConfigureAwait(false);
        }
    }

    // "ApiVersionInvalid" -> "api-version-invalid", the last part of the problem type URI.
    private static string Kebab(string code) => string.Concat(code.Select((c, i) => char.IsUpper(c) ? (i == 0 ? string.Empty : "-") + char.ToLowerInvariant(c) : c.ToString()));
}
