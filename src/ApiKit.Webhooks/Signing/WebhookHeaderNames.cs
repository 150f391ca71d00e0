namespace ApiKit.Webhooks;

/// <summary>Which header names carry the id, timestamp and signature.</summary>
public enum WebhookHeaderStyle
{
    /// <summary>Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>.</summary>
    Standard,

    /// <summary>The design documents' names: <c>X-Webhook-ID</c>, <c>X-Webhook-Timestamp</c>, <c>X-Webhook-Signature</c>.</summary>
    XWebhook,
}

/// <summary>The header names of one <see cref="WebhookHeaderStyle"/>.</summary>
public sealed class WebhookHeaderNames
{
    /// <summary>Standard Webhooks names.</summary>
    public static readonly WebhookHeaderNames Standard = new("webhook-id", "webhook-timestamp", "webhook-signature");

    /// <summary><c>X-Webhook-*</c> names.</summary>
    public static readonly WebhookHeaderNames XWebhook = new("X-Webhook-ID", "X-Webhook-Timestamp", "X-Webhook-Signature");

    private WebhookHeaderNames(string id, string timestamp, string signature)
    {
        Id = id;
        Timestamp = timestamp;
        Signature = signature;
    }

    /// <summary>Gets the message id header name.</summary>
    public string Id { get; }

    /// <summary>Gets the timestamp header name.</summary>
    public string Timestamp { get; }

    /// <summary>Gets the signature header name.</summary>
    public string Signature { get; }

    /// <summary>Returns the names of <paramref name="style"/>.</summary>
    /// <param name="style">The header style.</param>
    /// <returns>The names.</returns>
    public static WebhookHeaderNames For(WebhookHeaderStyle style) => style == WebhookHeaderStyle.XWebhook ? XWebhook : Standard;
}
