namespace ApiKit.Versioning;

/// <summary>Where a requested version was found; decides the status code of an unsupported version.</summary>
[Flags]
internal enum ApiVersionSources
{
    None = 0,
    UrlSegment = 1,
    Header = 2,
    Query = 4,
    Accept = 8,
    ContentType = 16,
}
