using System.Net.Http.Headers;

namespace ApiKit.Versioning;

/// <summary>Stamps an API version on every outgoing request, in a header, the query string or a media type parameter.</summary>
/// <remarks>A version the caller already put on a request is left as it is.</remarks>
public sealed class ApiVersionHandler : DelegatingHandler
{
    private readonly ApiVersionClientOptions _options;
    private readonly string _version;

    /// <summary>Creates the handler.</summary>
    /// <param name="options">The options; <see cref="ApiVersionClientOptions.Version"/> must be valid.</param>
    public ApiVersionHandler(ApiVersionClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Version.IsValid)
        {
            throw new ArgumentException("ApiVersionClientOptions.Version must be a valid version.", nameof(options));
        }

        _options = options;
        _version = options.Version.ToString();
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (_options.Mode)
        {
            case ApiVersionClientMode.QueryString:
                StampQuery(request);
                break;
            case ApiVersionClientMode.MediaType:
                StampMediaTypes(request);
                break;
            default:
                if (!request.Headers.Contains(_options.HeaderName))
                {
                    request.Headers.TryAddWithoutValidation(_options.HeaderName, _version);
                }

                break;
        }

        return base.SendAsync(request, cancellationToken);
    }

    private void StampQuery(HttpRequestMessage request)
    {
        if (request.RequestUri is not { } uri)
        {
            return;
        }

        var absolute = uri.IsAbsoluteUri ? uri : new Uri(new Uri("http://relative.invalid"), uri);
        var query = absolute.Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = pair.Split('=', 2)[0];
            if (key.Equals(_options.QueryParameterName, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        var builder = new UriBuilder(absolute)
        {
            Query = (query.Length == 0 ? string.Empty : query + "&") + Uri.EscapeDataString(_options.QueryParameterName) + "=" + Uri.EscapeDataString(_version),
        };
        request.RequestUri = uri.IsAbsoluteUri ? builder.Uri : new Uri(builder.Uri.PathAndQuery, UriKind.Relative);
    }

    private void StampMediaTypes(HttpRequestMessage request)
    {
        if (request.Headers.Accept.Count == 0)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(_options.DefaultMediaType));
        }

        foreach (var accept in request.Headers.Accept)
        {
            Stamp(accept);
        }

        if (request.Content?.Headers.ContentType is { } contentType)
        {
            Stamp(contentType);
        }
    }

    private void Stamp(MediaTypeHeaderValue mediaType)
    {
        foreach (var parameter in mediaType.Parameters)
        {
            if (parameter.Name.Equals(_options.MediaTypeParameterName, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        mediaType.Parameters.Add(new NameValueHeaderValue(_options.MediaTypeParameterName, _version));
    }
}
