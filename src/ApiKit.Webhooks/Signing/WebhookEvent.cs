using System.Text.Json;

namespace ApiKit.Webhooks;

/// <summary>An event to publish: its type, its data, and optionally an ordering key for FIFO delivery.</summary>
public sealed class WebhookEvent
{
    /// <summary>Creates an event.</summary>
    /// <param name="type">The event type, e.g. <c>message.sent</c>.</param>
    /// <param name="data">The event data, serialized as the envelope's <c>data</c>.</param>
    public WebhookEvent(string type, JsonElement data)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        Type = type;
        Data = data;
    }

    /// <summary>Gets the event type.</summary>
    public string Type { get; }

    /// <summary>Gets the event data.</summary>
    public JsonElement Data { get; }

    /// <summary>
    /// Gets or sets the ordering key: deliveries to one endpoint that share a key go out strictly one after
    /// the other in enqueue order, only when <see cref="WebhookDeliveryOptions.EnableOrdering"/> is on.
    /// </summary>
    public string? OrderingKey { get; init; }

    /// <summary>Gets or sets the message id (<c>webhook-id</c>); a new <c>msg_</c> id is made when null.</summary>
    public string? Id { get; init; }

    /// <summary>Creates an event whose data is <paramref name="data"/> serialized with <paramref name="options"/>.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="type">The event type.</param>
    /// <param name="data">The data.</param>
    /// <param name="options">Serializer options; web defaults when null.</param>
    /// <returns>The event.</returns>
    public static WebhookEvent Create<T>(string type, T data, JsonSerializerOptions? options = null) =>
        new(type, JsonSerializer.SerializeToElement(data, options ?? JsonSerializerOptions.Web));
}
