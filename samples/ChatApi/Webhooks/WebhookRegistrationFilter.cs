using System.Text.Json;
using ApiKit.Webhooks;
using ChatApi.Infrastructure;
using Microsoft.Extensions.Options;

namespace ChatApi.Webhooks;

/// <summary>
/// Adds the ChatApi's own rules to the library's validation of a subscription (create and update): every event
/// pattern must name an event the ChatApi publishes, and the URL must not point at an internal address. Everything
/// else (malformed JSON, types, lengths, HTTPS, secrets, headers) is left to the library's handlers, which answer
/// with the same 400 validation problem.
/// </summary>
internal sealed class WebhookRegistrationFilter(IOptions<WebhookDeliveryOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var isCreate = HttpMethods.IsPost(request.Method) && !request.RouteValues.ContainsKey("id");
        if (!isCreate && !HttpMethods.IsPut(request.Method))
        {
            return await next(context);
        }

        // Buffered so that the library's handler reads the same body after this filter; the body-size limit applies.
        request.EnableBuffering();
        var body = await ReadAsync(request, context.HttpContext.RequestAborted);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body is { ValueKind: JsonValueKind.Object } json)
        {
            CheckEvents(json, errors);
            CheckUrl(json, errors);
        }

        return errors.Count > 0 ? Problems.Validation(errors) : await next(context);
    }

    /// <summary>Reads the body as JSON, or <see langword="null"/> when it is not JSON; the body is rewound either way.</summary>
    private static async Task<JsonElement?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static void CheckEvents(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var unknown = events.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.String && !ChatWebhookEvents.IsKnownPattern(e.GetString()!))
            .Select(e => e.GetString()!)
            .ToList();
        if (unknown.Count > 0)
        {
            errors["events"] =
            [
                $"Unknown event type(s): {string.Join(", ", unknown.Select(u => $"'{u}'"))}. The ChatApi publishes {string.Join(", ", ChatWebhookEvents.All)}; "
                + "'user.*', 'room.*', 'member.*', 'message.*' and '*' select several.",
            ];
        }
    }

    private void CheckUrl(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (body.TryGetProperty("url", out var url)
            && url.ValueKind == JsonValueKind.String
            && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && WebhookTargetRules.Refusal(uri, options.Value.Ssrf) is { } refusal)
        {
            errors["url"] = [refusal];
        }
    }
}
