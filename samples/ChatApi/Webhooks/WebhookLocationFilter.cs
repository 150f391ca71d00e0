using ChatApi.Versioning;

namespace ChatApi.Webhooks;

/// <summary>
/// Puts the caller's version back into the <c>Location</c> of a created webhook. The library builds it from the request
/// path, from which the versioning has already removed the <c>/v1</c> segment; the ChatApi's own resources answer
/// <c>/api/v1/...</c> to a v1 caller, and so does this one.
/// </summary>
internal sealed class WebhookLocationFilter : IEndpointFilter
{
    private const string Unversioned = "/api/webhooks/";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.OnStarting(
            static state =>
            {
                var http = (HttpContext)state;
                if (http.Response.Headers.Location is [{ } location] && location.StartsWith(Unversioned, StringComparison.Ordinal))
                {
                    http.Response.Headers.Location = $"/api/{ChatApiVersions.Segment(http)}{location["/api".Length..]}";
                }

                return Task.CompletedTask;
            },
            context.HttpContext);
        return next(context);
    }
}
