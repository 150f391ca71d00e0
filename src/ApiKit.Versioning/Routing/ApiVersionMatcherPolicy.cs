using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Options;

namespace ApiKit.Versioning;

/// <summary>
/// The one routing mechanism for minimal APIs and controllers: among the candidates that matched the path, keeps those
/// that serve the requested version. When none does, it selects <see cref="ApiVersionErrorEndpoint"/>, which the
/// matcher honours as a short circuit.
/// </summary>
internal sealed class ApiVersionMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    private readonly ApiVersionModelCatalog _catalog;
    private readonly ApiVersionResponseStamper _stamper;
    private readonly TimeProvider _timeProvider;
    private readonly ApiVersioningOptions _options;

    public ApiVersionMatcherPolicy(ApiVersionModelCatalog catalog, ApiVersionResponseStamper stamper, TimeProvider timeProvider, IOptions<ApiVersioningOptions> options)
    {
        _catalog = catalog;
        _stamper = stamper;
        _timeProvider = timeProvider;
        _options = options.Value;
    }

    /// <inheritdoc />
    // After the HTTP method policy (which is a node builder and already shaped the candidates) and before anything that picks one.
    public override int Order => 0;

    /// <inheritdoc />
    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (ApiVersionModelCatalog.IsVersioned(endpoints[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(candidates);

        var (model, first) = FirstVersionedModel(candidates);
        if (model is null)
        {
            // Only neutral or unversioned endpoints matched: versions do not matter here.
            return Task.CompletedTask;
        }

        var feature = httpContext.Features.Get<ApiVersioningFeature>();
        if (feature is null)
        {
            feature = new ApiVersioningFeature(httpContext);
            httpContext.Features.Set(feature);
        }

        feature.Model = model;
        _stamper.Register(feature);

        var read = ApiVersionRequestReader.Read(httpContext, _options, candidates, feature);
        ApiVersion version;
        switch (read.Status)
        {
            case ApiVersionReadStatus.Specified:
                version = read.Version;
                break;
            case ApiVersionReadStatus.Unspecified when _options.AssumeDefaultVersionWhenUnspecified:
                version = _options.DefaultVersion;
                break;
            case ApiVersionReadStatus.Unspecified:
                return Fail(httpContext, feature, ApiVersionErrorKind.Unspecified, StatusCodes.Status400BadRequest);
            case ApiVersionReadStatus.Invalid:
                return Fail(httpContext, feature, ApiVersionErrorKind.Invalid, StatusCodes.Status400BadRequest);
            default:
                return Fail(httpContext, feature, ApiVersionErrorKind.Ambiguous, StatusCodes.Status400BadRequest);
        }

        feature.RequestedVersion = version;
        feature.Policy = _catalog.Policies.Get(version);

        // Candidates before the first versioned one are unversioned (or invalid already), so they serve any version.
        var served = first > 0 && AnyValidBefore(candidates, first);
        for (var i = first; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }

            var candidateModel = i == first ? model : _catalog.Get(candidates[i].Endpoint);
            if (candidateModel is null || candidateModel.Implements(version))
            {
                served = true;
            }
            else
            {
                candidates.SetValidity(i, false);
            }
        }

        if (!served)
        {
            return Fail(httpContext, feature, ApiVersionErrorKind.Unsupported, UnsupportedStatus(read.Sources));
        }

        if (_options.RejectSunsetVersions && feature.Policy?.Sunset is { } sunset && sunset <= _timeProvider.GetUtcNow())
        {
            return Fail(httpContext, feature, ApiVersionErrorKind.Sunset, StatusCodes.Status410Gone);
        }

        return Task.CompletedTask;
    }

    private static bool AnyValidBefore(CandidateSet candidates, int end)
    {
        for (var i = 0; i < end; i++)
        {
            if (candidates.IsValidCandidate(i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An unknown version that came only by media type is a content negotiation failure (RFC 9110 15.5.7, 15.5.16).</summary>
    private static int UnsupportedStatus(ApiVersionSources sources) => sources switch
    {
        ApiVersionSources.Accept => StatusCodes.Status406NotAcceptable,
        ApiVersionSources.ContentType => StatusCodes.Status415UnsupportedMediaType,
        _ => StatusCodes.Status400BadRequest,
    };

    private static Task Fail(HttpContext httpContext, ApiVersioningFeature feature, ApiVersionErrorKind kind, int status)
    {
        feature.Error = kind;
        feature.ErrorStatus = status;
        httpContext.SetEndpoint(ApiVersionErrorEndpoint.Instance);
        return Task.CompletedTask;
    }

    /// <summary>Finds the first valid candidate that is versioned; the ones before it are unversioned and stay valid.</summary>
    private (ApiVersionModel? Model, int Index) FirstVersionedModel(CandidateSet candidates)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && _catalog.Get(candidates[i].Endpoint) is { } model)
            {
                return (model, i);
            }
        }

        return (null, -1);
    }
}
