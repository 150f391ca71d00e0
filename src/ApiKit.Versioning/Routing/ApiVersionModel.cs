namespace ApiKit.Versioning;

/// <summary>The versions of one versioned endpoint and of the API (route template) it belongs to, with header text prepared once.</summary>
internal sealed class ApiVersionModel
{
    public ApiVersionModel(ApiVersion[] implemented, ApiVersion[] supported, ApiVersion[] deprecated)
    {
        Implemented = implemented;
        Supported = supported;
        Deprecated = deprecated;
        SupportedTexts = Array.ConvertAll(supported, v => v.ToString());
        SupportedHeader = string.Join(", ", SupportedTexts);
        DeprecatedHeader = deprecated.Length == 0 ? null : string.Join(", ", deprecated);
    }

    /// <summary>Gets the versions this endpoint serves.</summary>
    public ApiVersion[] Implemented { get; }

    /// <summary>Gets the versions every endpoint of the same route template serves together, ascending.</summary>
    public ApiVersion[] Supported { get; }

    /// <summary>Gets the supported versions that are deprecated, ascending.</summary>
    public ApiVersion[] Deprecated { get; }

    public string[] SupportedTexts { get; }

    public string SupportedHeader { get; }

    public string? DeprecatedHeader { get; }

    public bool Implements(ApiVersion version) => Array.IndexOf(Implemented, version) >= 0;

    /// <summary>Gets the text of a supported version without formatting it again, or <see langword="null"/>.</summary>
    public string? TextOf(ApiVersion version)
    {
        var index = Array.IndexOf(Supported, version);
        return index < 0 ? null : SupportedTexts[index];
    }
}
