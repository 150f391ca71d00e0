using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ApiKit.Versioning;

/// <summary>
/// Writes the version headers when the response starts, so that every response of a versioned API carries them:
/// successes, the versioning errors, and errors written later by other middleware or exception handlers.
/// </summary>
internal sealed class ApiVersionResponseStamper
{
    private readonly Func<object, Task> _onStarting;
    private readonly ApiVersioningOptions _options;
    private readonly ApiVersioningMetrics _metrics;

    public ApiVersionResponseStamper(IOptions<ApiVersioningOptions> options, ApiVersioningMetrics metrics)
    {
        _options = options.Value;
        _metrics = metrics;
        _onStarting = OnStarting;
    }

    public void Register(ApiVersioningFeature feature)
    {
        if (!feature.CallbackRegistered)
        {
            feature.CallbackRegistered = true;
            feature.Context.Response.OnStarting(_onStarting, feature);
        }
    }

    private Task OnStarting(object state)
    {
        var feature = (ApiVersioningFeature)state;
        var context = feature.Context;
        var headers = context.Response.Headers;
        if (feature.Model is { } model && _options.ReportApiVersions)
        {
            headers[ApiVersioningDefaults.SupportedVersionsHeaderName] = model.SupportedHeader;
            if (model.DeprecatedHeader is { } deprecated)
            {
                headers[ApiVersioningDefaults.DeprecatedVersionsHeaderName] = deprecated;
            }
        }

        if (feature.Policy is { } policy)
        {
            if (policy.DeprecationHeader is { } deprecation)
            {
                headers["Deprecation"] = deprecation;
            }

            if (policy.SunsetHeader is { } sunset)
            {
                headers["Sunset"] = sunset;
            }

            if (policy.Links.Count > 0)
            {
                headers.Append(HeaderNames.Link, policy.Links);
            }
        }

        if (_metrics.Enabled)
        {
            RecordUsage(feature, context);
        }

        return Task.CompletedTask;
    }

    private void RecordUsage(ApiVersioningFeature feature, HttpContext context)
    {
        var version = feature.RequestedVersion;
        var versionText = !version.IsValid ? "unknown" : feature.Model?.TextOf(version) ?? version.ToString();
        var error = feature.Error == ApiVersionErrorKind.None ? null : ApiVersionErrorEndpoint.Describe(feature.Error, 0).Code;
        var deprecated = version.IsValid && feature.Model is { } model && Array.IndexOf(model.Deprecated, version) >= 0;
        _metrics.Record(versionText, deprecated, ClientId(context), context.Response.StatusCode, error);
    }

    private string ClientId(HttpContext context)
    {
        if (_options.ClientIdClaimType is { } claimType && context.User.FindFirst(claimType)?.Value is { Length: > 0 } fromClaim)
        {
            return fromClaim;
        }

        if (_options.ClientIdHeaderName is { } headerName && context.Request.Headers[headerName] is { Count: 1 } header
            && header.ToString() is { Length: > 0 } fromHeader)
        {
            return fromHeader;
        }

        return "anonymous";
    }
}
