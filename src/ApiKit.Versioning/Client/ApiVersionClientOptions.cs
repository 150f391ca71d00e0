namespace ApiKit.Versioning;

/// <summary>Where <see cref="ApiVersionHandler"/> puts the version on outgoing requests.</summary>
public enum ApiVersionClientMode
{
    /// <summary>A request header, such as <c>API-Version: 2.0</c>.</summary>
    Header,

    /// <summary>A query string parameter, such as <c>?version=2.0</c>.</summary>
    QueryString,

    /// <summary>A media type parameter on <c>Accept</c> (and on <c>Content-Type</c> when there is content).</summary>
    MediaType,
}

/// <summary>Options of <see cref="ApiVersionHandler"/>.</summary>
public sealed class ApiVersionClientOptions
{
    /// <summary>Gets or sets the version to stamp.</summary>
    /// <value>The default is <see langword="default"/>, which is invalid: set it (<c>AddApiVersion</c> does).</value>
    public ApiVersion Version { get; set; }

    /// <summary>Gets or sets where the version goes.</summary>
    /// <value>The default is <see cref="ApiVersionClientMode.Header"/>.</value>
    public ApiVersionClientMode Mode { get; set; } = ApiVersionClientMode.Header;

    /// <summary>Gets or sets the header name in <see cref="ApiVersionClientMode.Header"/> mode.</summary>
    /// <value>The default is <c>API-Version</c>.</value>
    public string HeaderName { get; set; } = ApiVersioningDefaults.HeaderName;

    /// <summary>Gets or sets the query parameter in <see cref="ApiVersionClientMode.QueryString"/> mode.</summary>
    /// <value>The default is <c>version</c>.</value>
    public string QueryParameterName { get; set; } = ApiVersioningDefaults.QueryParameterName;

    /// <summary>Gets or sets the media type parameter in <see cref="ApiVersionClientMode.MediaType"/> mode.</summary>
    /// <value>The default is <c>version</c>.</value>
    public string MediaTypeParameterName { get; set; } = ApiVersioningDefaults.MediaTypeParameterName;

    /// <summary>Gets or sets the media type sent in <c>Accept</c> when a request has none, in <see cref="ApiVersionClientMode.MediaType"/> mode.</summary>
    /// <value>The default is <c>application/json</c>.</value>
    public string DefaultMediaType { get; set; } = "application/json";
}
