namespace ApiKit.Versioning;

/// <summary>The places a requested API version is read from; combine them with <c>|</c>.</summary>
[Flags]
public enum ApiVersionReaders
{
    /// <summary>Versions are not read from the request; every request gets the default version.</summary>
    None = 0,

    /// <summary>A URL segment: <c>/api/v1/users</c>, through the path-prefix rule or a route parameter.</summary>
    UrlSegment = 1,

    /// <summary>A request header such as <c>API-Version: 2.0</c>.</summary>
    Header = 2,

    /// <summary>A media type parameter such as <c>Accept: application/vnd.api+json;version=1</c>, on Accept or Content-Type.</summary>
    MediaType = 4,

    /// <summary>A query string parameter such as <c>?version=1</c>.</summary>
    QueryString = 8,

    /// <summary>Every reader.</summary>
    All = UrlSegment | Header | MediaType | QueryString,
}
