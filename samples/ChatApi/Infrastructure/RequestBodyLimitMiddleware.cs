using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ChatApi.Infrastructure;

/// <summary>
/// Caps request bodies at <see cref="ChatApiOptions.MaxRequestBodyBytes"/>. A declared
/// <c>Content-Length</c> over the cap is refused before anything is read; for chunked bodies the
/// server's own per-request limit is lowered, and Kestrel then fails the read with a 413
/// <see cref="BadHttpRequestException"/> that <see cref="ChatExceptionHandler"/> reports.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ChatApiOptions> options, IProblemDetailsService problemDetails)
{
    private readonly long _limit = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > _limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Detail = $"The request body is larger than the {_limit} bytes this API accepts.",
                },
            });
            return;
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = _limit;
        }

        await next(context);
    }
}
