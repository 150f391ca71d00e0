using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ApiKit.Versioning;

/// <summary>
/// Serves an older version through the current handler: upgrades the JSON request body and downgrades the JSON
/// response body through every <see cref="IVersionChange"/> newer than the requested version.
/// </summary>
internal sealed class VersionChangeMiddleware
{
    private readonly RequestDelegate _next;

    public VersionChangeMiddleware(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata.GetOrderedMetadata<VersionChangeMetadata>();
        if (metadata is not { Count: > 0 } || context.GetRequestedApiVersion() is not { } version)
        {
            return _next(context);
        }

        var changes = Applicable(metadata, version);
        return changes.Length == 0 ? _next(context) : TransformAsync(context, changes);
    }

    internal static IVersionChange[] Applicable(IReadOnlyList<VersionChangeMetadata> metadata, ApiVersion version)
    {
        var changes = new List<IVersionChange>();
        foreach (var item in metadata)
        {
            foreach (var change in item.Changes)
            {
                if (change.Version > version)
                {
                    changes.Add(change);
                }
            }
        }

        // Stable order by version: changes of one version apply in registration order.
        return [.. changes.OrderBy(c => c.Version)];
    }

    private async Task TransformAsync(HttpContext context, IVersionChange[] changes)
    {
        var request = context.Request;
        var serializerOptions = SerializerOptions(context);
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (canHaveBody && request.ContentLength != 0 && request.HasJsonContentType())
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                await WriteInvalidBodyAsync(context).ConfigureAwait(false);
                return;
            }

            foreach (var change in changes)
            {
                body = change.UpgradeRequest(body, context);
            }

            var upgraded = JsonSerializer.SerializeToUtf8Bytes(body, serializerOptions);
            request.Body = new MemoryStream(upgraded, writable: false);
            request.ContentLength = upgraded.Length;
        }

        var originalBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer, originalBody));
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(originalBody);
        }

        buffer.Position = 0;
        if (buffer.Length > 0 && IsTransformableJson(context.Response.ContentType))
        {
            var body = await JsonNode.ParseAsync(buffer, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            for (var i = changes.Length - 1; i >= 0; i--)
            {
                body = changes[i].DowngradeResponse(body, context);
            }

            var downgraded = JsonSerializer.SerializeToUtf8Bytes(body, serializerOptions);
            context.Response.ContentLength = downgraded.Length;
            await context.Response.Body.WriteAsync(downgraded, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.ContentLength = buffer.Length;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The options the endpoint itself writes JSON with (MVC's for controllers, the minimal-API ones otherwise), so a
    /// transformed body keeps the application's encoder and indentation instead of the serializer's defaults.
    /// </summary>
    private static JsonSerializerOptions? SerializerOptions(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ControllerActionDescriptor>() is not null
            ? context.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.JsonSerializerOptions
            : context.RequestServices.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions;

    /// <summary>JSON resources are transformed; problem details describe the request, not a resource, and pass as they are.</summary>
    private static bool IsTransformableJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase) && !mediaType.SubTypeWithoutSuffix.Equals("problem", StringComparison.OrdinalIgnoreCase)));

    private static async Task WriteInvalidBodyAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ApiVersioningOptions>>().Value;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = options.ProblemTypeBaseUri + "invalid-json-body",
            Title = "Invalid JSON body",
            Detail = "The request body is not valid JSON, so it cannot be upgraded to the current API version.",
        };
        problem.Extensions["code"] = "InvalidJsonBody";
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        var service = context.RequestServices.GetService<IProblemDetailsService>();
        if (service is null || !await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json").ConfigureAwait(false);
        }
    }
}
