using System.ComponentModel.DataAnnotations;

namespace ApiKit.Versioning;

/// <summary>Options of API versioning: readers, default version, reporting and per-version policies.</summary>
public sealed class ApiVersioningOptions
{
    /// <summary>Gets or sets the version of requests that name none.</summary>
    /// <value>The default is <c>1.0</c> (<see cref="ApiVersioningDefaults.DefaultVersion"/>).</value>
    public ApiVersion DefaultVersion { get; set; } = ApiVersioningDefaults.DefaultVersion;

    /// <summary>
    /// Gets or sets a value indicating whether a request that names no version is served as
    /// <see cref="DefaultVersion"/>; when <see langword="false"/>, it gets 400 with the code <c>ApiVersionUnspecified</c>.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool AssumeDefaultVersionWhenUnspecified { get; set; } = ApiVersioningDefaults.AssumeDefaultVersionWhenUnspecified;

    /// <summary>Gets or sets the readers in use.</summary>
    /// <value>The default is <see cref="ApiVersionReaders.All"/>.</value>
    public ApiVersionReaders Readers { get; set; } = ApiVersioningDefaults.Readers;

    /// <summary>Gets or sets the request header the header reader reads.</summary>
    /// <value>The default is <c>API-Version</c>.</value>
    [Required]
    public string HeaderName { get; set; } = ApiVersioningDefaults.HeaderName;

    /// <summary>Gets or sets the query string parameter the query reader reads.</summary>
    /// <value>The default is <c>version</c>.</value>
    [Required]
    public string QueryParameterName { get; set; } = ApiVersioningDefaults.QueryParameterName;

    /// <summary>Gets or sets the media type parameter read on <c>Accept</c> and <c>Content-Type</c>.</summary>
    /// <value>The default is <c>version</c>.</value>
    [Required]
    public string MediaTypeParameterName { get; set; } = ApiVersioningDefaults.MediaTypeParameterName;

    /// <summary>Gets or sets the route parameter the URL segment reader reads, for templates such as <c>/api/v{version}/users</c>.</summary>
    /// <value>The default is <c>version</c>.</value>
    [Required]
    public string RouteParameterName { get; set; } = ApiVersioningDefaults.RouteParameterName;

    /// <summary>
    /// Gets or sets the path prefix of the path-prefix rule: a <c>v{version}</c> segment right after it
    /// (<c>/api/v2/users</c>) is read and removed before routing, so the route <c>/api/users</c> serves both
    /// <c>/api/v2/users</c> and, as the default version, <c>/api/users</c>. <see langword="null"/> or empty turns the rule off.
    /// </summary>
    /// <value>The default is <c>/api</c>.</value>
    public string? UrlSegmentPrefix { get; set; } = ApiVersioningDefaults.UrlSegmentPrefix;

    /// <summary>Gets or sets a value indicating whether responses of versioned APIs carry <c>api-supported-versions</c> and <c>api-deprecated-versions</c>.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ReportApiVersions { get; set; } = ApiVersioningDefaults.ReportApiVersions;

    /// <summary>Gets or sets a value indicating whether a request for a version past its sunset date gets 410 Gone.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RejectSunsetVersions { get; set; } = ApiVersioningDefaults.RejectSunsetVersions;

    /// <summary>Gets or sets the request header that names the client in usage metrics; <see langword="null"/> to not read one.</summary>
    /// <value>The default is <c>X-Client-Id</c>.</value>
    public string? ClientIdHeaderName { get; set; } = ApiVersioningDefaults.ClientIdHeaderName;

    /// <summary>Gets or sets the claim of the authenticated user that names the client in usage metrics, tried before the header.</summary>
    /// <value>The default is <see langword="null"/>: no claim is read.</value>
    public string? ClientIdClaimType { get; set; }

    /// <summary>Gets or sets the start of the <c>type</c> URI of versioning problems; the problem code in kebab case follows it.</summary>
    /// <value>The default is <c>https://apikit.dev/problems/</c>.</value>
    [Required]
    public string ProblemTypeBaseUri { get; set; } = ApiVersioningDefaults.ProblemTypeBaseUri;

    /// <summary>
    /// Gets the deprecation and sunset policy of each version, keyed by the version's text (<c>"1.0"</c>,
    /// <c>"2024-01-15"</c>), so that configuration can bind it (<c>ApiVersioning:Policies:1.0:Sunset</c>).
    /// </summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, ApiVersionPolicyOptions> Policies { get; } = new Dictionary<string, ApiVersionPolicyOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the policy of <paramref name="version"/>, creating it when there is none.</summary>
    /// <param name="version">The version.</param>
    /// <returns>The policy, to be filled in.</returns>
    public ApiVersionPolicyOptions Policy(ApiVersion version)
    {
        if (!version.IsValid)
        {
            throw new ArgumentException("The version must be valid.", nameof(version));
        }

        var key = version.ToString();
        if (!Policies.TryGetValue(key, out var policy))
        {
            policy = new ApiVersionPolicyOptions();
            Policies[key] = policy;
        }

        return policy;
    }
}
