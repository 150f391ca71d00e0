namespace ApiKit.Versioning;

/// <summary>What the readers found in a request.</summary>
internal enum ApiVersionReadStatus
{
    /// <summary>No reader found a version.</summary>
    Unspecified,

    /// <summary>One version, possibly from several readers that agree.</summary>
    Specified,

    /// <summary>A reader found text that is not a version.</summary>
    Invalid,

    /// <summary>Readers (or repeated values of one reader) found different versions.</summary>
    Ambiguous,
}

/// <summary>The outcome of reading the requested version; a value so that reading allocates nothing.</summary>
internal readonly record struct ApiVersionReadResult(ApiVersionReadStatus Status, ApiVersion Version, ApiVersionSources Sources);
