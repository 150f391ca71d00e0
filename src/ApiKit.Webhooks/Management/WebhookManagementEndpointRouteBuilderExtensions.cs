using System.Globalization;
using System.Text.Json;
using ApiKit.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the subscription management API.</summary>
public static class WebhookManagementEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps create, list, get, update, delete, rotate secret, send test event, list attempts, redeliver one
    /// message and recover failed messages under <paramref name="prefix"/>. Secure the returned group
    /// (for example with <c>RequireAuthorization</c>): these endpoints manage secrets.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <returns>The group, for conventions such as authorization.</returns>
    public static RouteGroupBuilder MapWebhookManagement(this IEndpointRouteBuilder endpoints, string prefix = "/webhooks")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix).WithTags("Webhooks");
        group.MapPost("/", WebhookManagementHandlers.CreateAsync);
        group.MapGet("/", WebhookManagementHandlers.ListAsync);
        group.MapGet("/{id}", WebhookManagementHandlers.GetAsync);
        group.MapPut("/{id}", WebhookManagementHandlers.UpdateAsync);
        group.MapDelete("/{id}", WebhookManagementHandlers.DeleteAsync);
        group.MapGet("/{id}/secret", WebhookManagementHandlers.GetSecretAsync);
        group.MapPost("/{id}/secret/rotate", WebhookManagementHandlers.RotateAsync);
        group.MapPost("/{id}/test", WebhookManagementHandlers.TestAsync);
        group.MapGet("/{id}/attempts", WebhookManagementHandlers.AttemptsAsync);
        group.MapPost("/{id}/messages/{messageId}/redeliver", WebhookManagementHandlers.RedeliverAsync);
        group.MapPost("/{id}/recover", WebhookManagementHandlers.RecoverAsync);
        return group;
    }
}

internal static class WebhookManagementHandlers
{
    private const int MaxRequestBytes = 64 * 1024;
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-type", "content-length", "transfer-encoding", "connection", "user-agent", "cookie",
    };

    public static async Task<Results<Created<EndpointResponse>, ValidationProblem>> CreateAsync(HttpContext http, IWebhookEndpointStore store, TimeProvider time, IOptions<WebhookDeliveryOptions> options)
    {
        var (body, errors) = await ReadAsync(http).ConfigureAwait(false);
        var request = body is null ? null : Validate(body.Value, options.Value, errors, requireAll: true, allowSecret: true);
        if (request is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var endpoint = new WebhookEndpoint
        {
            Id = "ep_" + Guid.CreateVersion7(now).ToString("N"),
            Url = request.Url!,
            Description = request.Description,
            Events = request.Events!,
            Secrets = [new WebhookEndpointSecret((request.Secret ?? WebhookSecret.Generate()).ToString(), null)],
            Enabled = request.Enabled ?? true,
            RateLimitPerSecond = request.RateLimitPerSecond,
            Headers = request.Headers ?? new Dictionary<string, string>(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.CreateAsync(endpoint, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Created($"{WebhookRequestTargetStartupFilter.ArrivedPath(http).TrimEnd('/')}/{endpoint.Id}", EndpointResponse.From(endpoint, includeSecret: true));
    }

    public static async Task<Ok<EndpointResponse[]>> ListAsync(IWebhookEndpointStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(cancellationToken).ConfigureAwait(false)).Select(e => EndpointResponse.From(e, includeSecret: false)).ToArray());

    public static async Task<Results<Ok<EndpointResponse>, ProblemHttpResult>> GetAsync(string id, IWebhookEndpointStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } e ? TypedResults.Ok(EndpointResponse.From(e, includeSecret: false)) : NotFound(id);

    public static async Task<Results<Ok<SecretResponse>, ProblemHttpResult>> GetSecretAsync(string id, IWebhookEndpointStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } e ? TypedResults.Ok(new SecretResponse(e.Secrets[0].Secret)) : NotFound(id);

    public static async Task<Results<Ok<EndpointResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(string id, HttpContext http, IWebhookEndpointStore store, TimeProvider time, IOptions<WebhookDeliveryOptions> options)
    {
        var (body, errors) = await ReadAsync(http).ConfigureAwait(false);
        var request = body is null ? null : Validate(body.Value, options.Value, errors, requireAll: true, allowSecret: false);
        if (request is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false) is not { } current)
        {
            return NotFound(id);
        }

        var enabled = request.Enabled ?? current.Enabled;
        var updated = current with
        {
            Url = request.Url!,
            Description = request.Description,
            Events = request.Events!,
            Enabled = enabled,
            RateLimitPerSecond = request.RateLimitPerSecond,
            Headers = request.Headers ?? new Dictionary<string, string>(),
            UpdatedAt = time.GetUtcNow(),
            DisabledReason = enabled ? null : current.DisabledReason,
            FailingSince = enabled && !current.Enabled ? null : current.FailingSince,
        };
        return await store.UpdateAsync(updated, http.RequestAborted).ConfigureAwait(false)
            ? TypedResults.Ok(EndpointResponse.From(updated, includeSecret: false))
            : NotFound(id);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IWebhookEndpointStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false) ? TypedResults.NoContent() : NotFound(id);

    public static async Task<Results<Ok<SecretResponse>, ValidationProblem, ProblemHttpResult>> RotateAsync(string id, HttpContext http, IWebhookEndpointStore store, TimeProvider time, IOptions<WebhookDeliveryOptions> options)
    {
        var (body, errors) = await ReadAsync(http, optional: true).ConfigureAwait(false);
        WebhookSecret? secret = null;
        var overlap = options.Value.SecretRotationOverlap;
        if (body is { } json)
        {
            if (json.TryGetProperty("secret", out var s) && s.ValueKind != JsonValueKind.Null && (s.ValueKind != JsonValueKind.String || !WebhookSecret.TryParse(s.GetString(), out secret)))
            {
                errors["secret"] = [$"A secret is '{WebhookSecret.Prefix}' followed by the base64 of {WebhookSecret.MinKeyBytes} to {WebhookSecret.MaxKeyBytes} bytes."];
            }

            if (json.TryGetProperty("overlapSeconds", out var o) && o.ValueKind != JsonValueKind.Null)
            {
                if (o.ValueKind == JsonValueKind.Number && o.TryGetInt32(out var seconds) && seconds is >= 0 and <= 7 * 24 * 3600)
                {
                    overlap = TimeSpan.FromSeconds(seconds);
                }
                else
                {
                    errors["overlapSeconds"] = ["Between 0 and 604800 seconds."];
                }
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false) is not { } current)
        {
            return NotFound(id);
        }

        var now = time.GetUtcNow();
        secret ??= WebhookSecret.Generate();
        var kept = current.Secrets
            .Select((s, i) => i == 0 ? s with { ExpiresAt = now + overlap } : s)
            .Where(s => s.ExpiresAt > now);
        var updated = current with { Secrets = [new WebhookEndpointSecret(secret.ToString(), null), .. kept], UpdatedAt = now };
        await store.UpdateAsync(updated, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new SecretResponse(secret.ToString()));
    }

    public static async Task<Results<Accepted<MessageResponse>, ValidationProblem, ProblemHttpResult>> TestAsync(string id, HttpContext http, IWebhookEndpointStore store, WebhookPublisher publisher)
    {
        var (body, errors) = await ReadAsync(http, optional: true).ConfigureAwait(false);
        var type = "webhook.test";
        if (body is { } json && json.TryGetProperty("eventType", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind == JsonValueKind.String && t.GetString() is { } s && WebhookEventPattern.IsValid(s) && !s.Contains('*', StringComparison.Ordinal))
            {
                type = s;
            }
            else
            {
                errors["eventType"] = ["An event type such as 'message.sent'."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        using var data = JsonDocument.Parse("{\"test\":true}");
        var messageId = await publisher.PublishToAsync(new WebhookEvent(type, data.RootElement.Clone()), id, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Accepted((string?)null, new MessageResponse(messageId));
    }

    public static async Task<Results<Ok<WebhookAttempt[]>, ValidationProblem, ProblemHttpResult>> AttemptsAsync(string id, string? messageId, string? limit, IWebhookEndpointStore store, IWebhookDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        var take = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > 1000))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 1000."] });
        }

        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        return TypedResults.Ok((await deliveries.ListAttemptsAsync(id, messageId, take, cancellationToken).ConfigureAwait(false)).ToArray());
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> RedeliverAsync(string id, string messageId, IWebhookEndpointStore store, IWebhookDeliveryStore deliveries, WebhookDispatchSignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        if (!await deliveries.RedeliverAsync(id, messageId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Message not found", detail: $"No message '{messageId}' is stored.");
        }

        signal.Notify();
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<Results<Accepted<RecoverResponse>, ValidationProblem, ProblemHttpResult>> RecoverAsync(string id, HttpContext http, IWebhookEndpointStore store, IWebhookDeliveryStore deliveries, WebhookDispatchSignal signal, TimeProvider time)
    {
        var (body, errors) = await ReadAsync(http).ConfigureAwait(false);
        DateTimeOffset since = default;
        if (body is { } json && (!json.TryGetProperty("since", out var s) || s.ValueKind != JsonValueKind.String || !s.TryGetDateTimeOffset(out since)))
        {
            errors["since"] = ["Required: an RFC 3339 date-time."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        var count = await deliveries.RecoverAsync(id, since, time.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
        signal.Notify();
        return TypedResults.Accepted((string?)null, new RecoverResponse(count));
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Endpoint not found", detail: $"No webhook endpoint '{id}'.");

    private static async Task<(JsonElement? Body, Dictionary<string, string[]> Errors)> ReadAsync(HttpContext http, bool optional = false)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (http.Request.ContentLength > MaxRequestBytes)
        {
            errors["body"] = [$"At most {MaxRequestBytes} bytes."];
            return (null, errors);
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > MaxRequestBytes)
        {
            errors["body"] = [$"At most {MaxRequestBytes} bytes."];
            return (null, errors);
        }

        if (buffer.Length == 0)
        {
            if (!optional)
            {
                errors["body"] = ["A JSON object is required."];
            }

            return (null, errors);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = ["A JSON object is required."];
                return (null, errors);
            }

            return (document.RootElement.Clone(), errors);
        }
        catch (JsonException e)
        {
            errors["body"] = [$"Malformed JSON: {e.Message}"];
            return (null, errors);
        }
    }

    private static EndpointRequest? Validate(JsonElement body, WebhookDeliveryOptions options, Dictionary<string, string[]> errors, bool requireAll, bool allowSecret)
    {
        var request = new EndpointRequest();
        if (String(body, "url", errors) is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || url.Length > 2048 || uri.UserInfo.Length > 0)
            {
                errors["url"] = ["An absolute http(s) URL of at most 2048 characters, without user info."];
            }
            else if (options.RequireHttps && uri.Scheme != Uri.UriSchemeHttps)
            {
                errors["url"] = ["HTTPS is required."];
            }
            else if (new WebhookSsrfGuard(options.Ssrf).RefusalOf(uri) is { } refusal)
            {
                // Connect time checks again, on the resolved address: this catches only what the URL itself gives away.
                errors["url"] = [refusal];
            }
            else
            {
                request.Url = url;
            }
        }
        else if (requireAll && !errors.ContainsKey("url"))
        {
            errors["url"] = ["Required."];
        }

        if (body.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array)
        {
            var list = events.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).ToList();
            if (list.Count is 0 or > 100 || list.Any(e => !WebhookEventPattern.IsValid(e)))
            {
                errors["events"] = ["1 to 100 event types such as 'message.sent', 'message.*' or '*'."];
            }
            else if (options.EventTypes.Count > 0 && list.Where(e => !options.EventTypes.Any(t => WebhookEventPattern.Matches(e!, t))).ToList() is { Count: > 0 } unknown)
            {
                errors["events"] =
                [
                    $"Unknown event type(s): {string.Join(", ", unknown.Select(u => $"'{u}'"))}. Known: {string.Join(", ", options.EventTypes)}; 'prefix.*' and '*' select several.",
                ];
            }
            else
            {
                request.Events = [.. list.Distinct(StringComparer.Ordinal)!];
            }
        }
        else if (requireAll || body.TryGetProperty("events", out _))
        {
            errors["events"] = ["Required: an array of event types."];
        }

        if (body.TryGetProperty("secret", out var secret) && secret.ValueKind != JsonValueKind.Null)
        {
            if (!allowSecret)
            {
                errors["secret"] = ["Use the rotate endpoint to change the secret."];
            }
            else if (secret.ValueKind != JsonValueKind.String || !WebhookSecret.TryParse(secret.GetString(), out var parsed))
            {
                errors["secret"] = [$"A secret is '{WebhookSecret.Prefix}' followed by the base64 of {WebhookSecret.MinKeyBytes} to {WebhookSecret.MaxKeyBytes} bytes."];
            }
            else
            {
                request.Secret = parsed;
            }
        }

        if (String(body, "description", errors) is { } description)
        {
            if (description.Length > 1024)
            {
                errors["description"] = ["At most 1024 characters."];
            }

            request.Description = description;
        }

        if (body.TryGetProperty("enabled", out var enabled) && enabled.ValueKind != JsonValueKind.Null)
        {
            if (enabled.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                request.Enabled = enabled.GetBoolean();
            }
            else
            {
                errors["enabled"] = ["A boolean."];
            }
        }

        if (body.TryGetProperty("rateLimitPerSecond", out var rate) && rate.ValueKind != JsonValueKind.Null)
        {
            if (rate.ValueKind == JsonValueKind.Number && rate.TryGetInt32(out var perSecond) && perSecond is >= 1 and <= 10_000)
            {
                request.RateLimitPerSecond = perSecond;
            }
            else
            {
                errors["rateLimitPerSecond"] = ["An integer between 1 and 10000."];
            }
        }

        if (body.TryGetProperty("headers", out var headers) && headers.ValueKind != JsonValueKind.Null)
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (headers.ValueKind != JsonValueKind.Object)
            {
                errors["headers"] = ["An object of header names to string values."];
            }
            else
            {
                foreach (var header in headers.EnumerateObject())
                {
                    if (!IsToken(header.Name) || ReservedHeaders.Contains(header.Name) || header.Name.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase) || header.Name.StartsWith("x-webhook-", StringComparison.OrdinalIgnoreCase))
                    {
                        errors[$"headers.{header.Name}"] = ["Not an allowed header name."];
                    }
                    else if (header.Value.ValueKind != JsonValueKind.String || header.Value.GetString() is not { Length: <= 1024 } value || value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
                    {
                        errors[$"headers.{header.Name}"] = ["A string of at most 1024 characters without line breaks."];
                    }
                    else
                    {
                        map[header.Name] = value;
                    }
                }

                if (map.Count > 20)
                {
                    errors["headers"] = ["At most 20 headers."];
                }
            }

            request.Headers = map;
        }

        return request;
    }

    private static string? String(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[name] = ["A string."];
            return null;
        }

        return value.GetString();
    }

    private static bool IsToken(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private sealed class EndpointRequest
    {
        public string? Url { get; set; }

        public string[]? Events { get; set; }

        public WebhookSecret? Secret { get; set; }

        public string? Description { get; set; }

        public bool? Enabled { get; set; }

        public int? RateLimitPerSecond { get; set; }

        public Dictionary<string, string>? Headers { get; set; }
    }
}

internal sealed record EndpointResponse(
    string Id, string Url, string? Description, IReadOnlyList<string> Events, bool Enabled, int? RateLimitPerSecond,
    IReadOnlyDictionary<string, string> Headers, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? DisabledReason,
    DateTimeOffset? FailingSince, string? Secret)
{
    public static EndpointResponse From(WebhookEndpoint e, bool includeSecret) =>
        new(e.Id, e.Url, e.Description, e.Events, e.Enabled, e.RateLimitPerSecond, e.Headers, e.CreatedAt, e.UpdatedAt, e.DisabledReason, e.FailingSince, includeSecret ? e.Secrets[0].Secret : null);
}

internal sealed record SecretResponse(string Secret);

internal sealed record MessageResponse(string MessageId);

internal sealed record RecoverResponse(int Recovered);
