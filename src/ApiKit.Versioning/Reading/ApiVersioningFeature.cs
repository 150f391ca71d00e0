using Microsoft.AspNetCore.Http;

namespace ApiKit.Versioning;

/// <summary>The versioning state of one request, kept in <see cref="HttpContext.Features"/>.</summary>
internal sealed class ApiVersioningFeature
{
    private string? _originalPath;
    private int _segmentStart;
    private int _segmentLength;

    public ApiVersioningFeature(HttpContext context) => Context = context;

    public HttpContext Context { get; }

    /// <summary>Gets a value indicating whether the path-prefix rule removed a version segment from the path.</summary>
    public bool HasUrlSegment => _originalPath is not null;

    /// <summary>Gets the version text of the removed segment, without its leading <c>v</c>.</summary>
    public ReadOnlySpan<char> UrlSegment => _originalPath.AsSpan(_segmentStart, _segmentLength);

    /// <summary>Gets the path before the path-prefix rule removed the version segment.</summary>
    public string? OriginalPath => _originalPath;

    public ApiVersion RequestedVersion { get; set; }

    public ApiVersionModel? Model { get; set; }

    public ApiVersionErrorKind Error { get; set; }

    public int ErrorStatus { get; set; }

    public CompiledVersionPolicy? Policy { get; set; }

    public bool CallbackRegistered { get; set; }

    public void SetUrlSegment(string originalPath, int start, int length)
    {
        _originalPath = originalPath;
        _segmentStart = start;
        _segmentLength = length;
    }
}
