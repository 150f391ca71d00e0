using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ApiKit.Versioning;

/// <summary>
/// The path-prefix rule of the URL segment reader. It runs before routing: <c>/api/v2/users</c> becomes
/// <c>/api/users</c> and <c>2</c> is remembered as the requested version, so one route registration serves the
/// versioned URL and, as the default version, the unversioned one.
/// </summary>
internal sealed class UrlSegmentMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ApiVersioningOptions _options;

    public UrlSegmentMiddleware(RequestDelegate next, IOptions<ApiVersioningOptions> options)
    {
        _next = next;
        _options = options.Value;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var options = _options;
        if ((options.Readers & ApiVersionReaders.UrlSegment) != 0 && !string.IsNullOrEmpty(options.UrlSegmentPrefix))
        {
            TryRemoveVersionSegment(context, options.UrlSegmentPrefix);
        }

        return _next(context);
    }

    internal static bool TryRemoveVersionSegment(HttpContext context, string prefix)
    {
        var path = context.Request.Path.Value;
        if (path is null || !TryFindVersionSegment(path, prefix, out var start, out var end))
        {
            return false;
        }

        var feature = context.Features.Get<ApiVersioningFeature>();
        if (feature is null)
        {
            feature = new ApiVersioningFeature(context);
            context.Features.Set(feature);
        }

        // The segment text without its 'v': start + 1 to end. The path keeps the prefix and everything after the segment.
        feature.SetUrlSegment(path, start + 1, end - start - 1);
        context.Request.Path = new PathString(string.Concat(path.AsSpan(0, start - 1), path.AsSpan(end)));
        return true;
    }

    /// <summary>
    /// Finds <c>/v&lt;digit&gt;...</c> right after <paramref name="prefix"/>. Only segments that start with a digit after
    /// the <c>v</c> count, so <c>/api/videos</c> is left alone while <c>/api/v1x</c> is read (and reported as invalid).
    /// </summary>
    internal static bool TryFindVersionSegment(ReadOnlySpan<char> path, ReadOnlySpan<char> prefix, out int start, out int end)
    {
        start = end = 0;
        prefix = prefix.TrimEnd('/');
        if (!path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || path.Length < prefix.Length + 3 || path[prefix.Length] != '/')
        {
            return false;
        }

        var segmentStart = prefix.Length + 1;
        if (path[segmentStart] is not ('v' or 'V') || !char.IsAsciiDigit(path[segmentStart + 1]))
        {
            return false;
        }

        var slash = path[segmentStart..].IndexOf('/');
        start = segmentStart;
        end = slash < 0 ? path.Length : segmentStart + slash;
        return true;
    }
}
