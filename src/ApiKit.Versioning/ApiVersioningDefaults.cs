namespace ApiKit.Versioning;

/// <summary>The default values of <see cref="ApiVersioningOptions"/> and the names used on the wire.</summary>
public static class ApiVersioningDefaults
{
    /// <summary>The default version: <c>1.0</c>.</summary>
    public static readonly ApiVersion DefaultVersion = new(1, 0);

    /// <summary>Whether a request without a version gets <see cref="ApiVersioningOptions.DefaultVersion"/>: <see langword="true"/>.</summary>
    public const bool AssumeDefaultVersionWhenUnspecified = true;

    /// <summary>The readers in use: <see cref="ApiVersionReaders.All"/>.</summary>
    public const ApiVersionReaders Readers = ApiVersionReaders.All;

    /// <summary>The header the header reader reads: <c>API-Version</c>.</summary>
    public const string HeaderName = "API-Version";

    /// <summary>The query string parameter the query reader reads: <c>version</c>.</summary>
    public const string QueryParameterName = "version";

    /// <summary>The media type parameter the media type reader reads: <c>version</c>.</summary>
    public const string MediaTypeParameterName = "version";

    /// <summary>The route parameter the URL segment reader reads: <c>version</c>.</summary>
    public const string RouteParameterName = "version";

    /// <summary>The path prefix after which a <c>v{version}</c> segment is read and removed: <c>/api</c>.</summary>
    public const string UrlSegmentPrefix = "/api";

    /// <summary>Whether responses carry <c>api-supported-versions</c> and <c>api-deprecated-versions</c>: <see langword="true"/>.</summary>
    public const bool ReportApiVersions = true;

    /// <summary>Whether requests for a version past its sunset date get 410 Gone: <see langword="false"/>.</summary>
    public const bool RejectSunsetVersions = false;

    /// <summary>The header that names the calling client in usage metrics: <c>X-Client-Id</c>.</summary>
    public const string ClientIdHeaderName = "X-Client-Id";

    /// <summary>The start of the <c>type</c> URI of versioning problems: <c>https://apikit.dev/problems/</c>.</summary>
    public const string ProblemTypeBaseUri = "https://apikit.dev/problems/";

    /// <summary>The response header listing the versions an API supports.</summary>
    public const string SupportedVersionsHeaderName = "api-supported-versions";

    /// <summary>The response header listing the versions of an API that are deprecated.</summary>
    public const string DeprecatedVersionsHeaderName = "api-deprecated-versions";

    /// <summary>The name of the meter and activity source: <c>ApiKit.Versioning</c>.</summary>
    public const string MeterName = "ApiKit.Versioning";
}
