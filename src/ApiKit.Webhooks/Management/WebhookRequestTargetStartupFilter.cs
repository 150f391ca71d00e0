using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ApiKit.Webhooks;

/// <summary>
/// Remembers the path a request arrived with, before any of the application's middleware (API versioning's
/// path-prefix rule, a rewriter) changes it, so the management API's <c>Location</c> stays under the URL the caller
/// used. Kestrel already keeps it in <see cref="IHttpRequestFeature.RawTarget"/>; only servers that leave that empty
/// (TestServer) cost a feature per request.
/// </summary>
internal sealed class WebhookRequestTargetStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static (context, next) =>
        {
            if (string.IsNullOrEmpty(context.Features.Get<IHttpRequestFeature>()?.RawTarget))
            {
                context.Features.Set(new ArrivedPathFeature(context.Request.PathBase.Add(context.Request.Path).ToUriComponent()));
            }

            return next(context);
        });
        next(app);
    };

    /// <summary>Looks up the path, with its path base, that the request arrived with.</summary>
    public static string ArrivedPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is { Length: > 0 } && raw[0] == '/')
        {
            var end = raw.IndexOfAny(['?', '#']);
            return end < 0 ? raw : raw[..end];
        }

        // An absolute-form or asterisk target, or a server that keeps none: what this filter saw, or else the current path.
        return context.Features.Get<ArrivedPathFeature>()?.Path ?? context.Request.PathBase.Add(context.Request.Path).ToUriComponent();
    }

    private sealed record ArrivedPathFeature(string Path);
}
