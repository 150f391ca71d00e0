using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Primitives;

namespace ApiKit.Versioning;

/// <summary>
/// Reads the requested version from every enabled reader without allocating: values are parsed from spans of the
/// header and query strings the server already holds.
/// </summary>
internal static class ApiVersionRequestReader
{
    public static ApiVersionReadResult Read(HttpContext context, ApiVersioningOptions options, CandidateSet? candidates) =>
        Read(context, options, candidates, context.Features.Get<ApiVersioningFeature>());

    public static ApiVersionReadResult Read(HttpContext context, ApiVersioningOptions options, CandidateSet? candidates, ApiVersioningFeature? feature)
    {
        var found = default(Accumulator);
        var readers = options.Readers;
        var request = context.Request;

        if ((readers & ApiVersionReaders.UrlSegment) != 0)
        {
            if (feature is { HasUrlSegment: true })
            {
                found.Add(feature.UrlSegment, ApiVersionSources.UrlSegment);
            }

            ReadRouteValue(candidates, options.RouteParameterName, ref found);
        }

        if ((readers & ApiVersionReaders.Header) != 0 && request.Headers.TryGetValue(options.HeaderName, out var header))
        {
            ReadList(header, ApiVersionSources.Header, ref found);
        }

        if ((readers & ApiVersionReaders.QueryString) != 0 && request.QueryString.HasValue)
        {
            ReadQuery(request.QueryString.Value.AsSpan(), options.QueryParameterName, ref found);
        }

        if ((readers & ApiVersionReaders.MediaType) != 0)
        {
            ReadMediaTypes(request.Headers.Accept, options.MediaTypeParameterName, ApiVersionSources.Accept, ref found);
            ReadMediaTypes(request.Headers.ContentType, options.MediaTypeParameterName, ApiVersionSources.ContentType, ref found);
        }

        return found.ToResult();
    }

    private static void ReadRouteValue(CandidateSet? candidates, string name, ref Accumulator found)
    {
        if (candidates is null)
        {
            return;
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Values is { } values && values.TryGetValue(name, out var value))
            {
                // Every candidate of one request matched the same path, so the first one that captured the parameter speaks for all.
                found.Add((value as string).AsSpan(), ApiVersionSources.UrlSegment);
                return;
            }
        }
    }

    private static void ReadList(StringValues values, ApiVersionSources source, ref Accumulator found)
    {
        foreach (var value in values)
        {
            var rest = value.AsSpan();
            while (true)
            {
                var comma = rest.IndexOf(',');
                found.Add(comma < 0 ? rest : rest[..comma], source);
                if (comma < 0)
                {
                    break;
                }

                rest = rest[(comma + 1)..];
            }
        }
    }

    private static void ReadQuery(ReadOnlySpan<char> query, string name, ref Accumulator found)
    {
        if (query.Length > 0 && query[0] == '?')
        {
            query = query[1..];
        }

        while (!query.IsEmpty)
        {
            var amp = query.IndexOf('&');
            var pair = amp < 0 ? query : query[..amp];
            query = amp < 0 ? default : query[(amp + 1)..];
            var eq = pair.IndexOf('=');
            var key = eq < 0 ? pair : pair[..eq];
            if (!key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = eq < 0 ? default : pair[(eq + 1)..];
            if (value.ContainsAny('%', '+'))
            {
                // Versions never need escaping; decoding (which allocates) only happens for unusual clients.
                found.Add(WebUtility.UrlDecode(value.ToString()), ApiVersionSources.Query);
            }
            else
            {
                found.Add(value, ApiVersionSources.Query);
            }
        }
    }

    private static void ReadMediaTypes(StringValues values, string parameter, ApiVersionSources source, ref Accumulator found)
    {
        foreach (var value in values)
        {
            var rest = value.AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                ReadMediaType(comma < 0 ? rest : rest[..comma], parameter, source, ref found);
                rest = comma < 0 ? default : rest[(comma + 1)..];
            }
        }
    }

    private static void ReadMediaType(ReadOnlySpan<char> mediaType, string parameter, ApiVersionSources source, ref Accumulator found)
    {
        var semicolon = mediaType.IndexOf(';');
        while (semicolon >= 0)
        {
            mediaType = mediaType[(semicolon + 1)..];
            semicolon = mediaType.IndexOf(';');
            var pair = semicolon < 0 ? mediaType : mediaType[..semicolon];
            var eq = pair.IndexOf('=');
            if (eq < 0 || !pair[..eq].Trim().Equals(parameter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = pair[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            found.Add(value, source);
        }
    }

    /// <summary>Folds every value found into one outcome: malformed beats ambiguous beats specified.</summary>
    private struct Accumulator
    {
        private ApiVersion _version;
        private ApiVersionSources _sources;
        private bool _invalid;
        private bool _ambiguous;

        public void Add(ReadOnlySpan<char> text, ApiVersionSources source)
        {
            _sources |= source;
            if (!ApiVersion.TryParse(text.Trim(), out var version))
            {
                _invalid = true;
                return;
            }

            if (_version.IsValid && _version != version)
            {
                _ambiguous = true;
                return;
            }

            _version = version;
        }

        public readonly ApiVersionReadResult ToResult()
        {
            var status = _invalid ? ApiVersionReadStatus.Invalid
                : _ambiguous ? ApiVersionReadStatus.Ambiguous
                : _version.IsValid ? ApiVersionReadStatus.Specified
                : ApiVersionReadStatus.Unspecified;
            return new ApiVersionReadResult(status, _version, _sources);
        }
    }
}
