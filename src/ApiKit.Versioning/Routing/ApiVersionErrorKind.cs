namespace ApiKit.Versioning;

/// <summary>Why a request could not be routed to a version of an API.</summary>
internal enum ApiVersionErrorKind
{
    None,
    Unspecified,
    Invalid,
    Ambiguous,
    Unsupported,
    Sunset,
}
