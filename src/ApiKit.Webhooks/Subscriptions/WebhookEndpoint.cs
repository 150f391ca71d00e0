namespace ApiKit.Webhooks;

/// <summary>A subscription: where events go, which events, and the secrets that sign them.</summary>
public sealed record WebhookEndpoint
{
    /// <summary>Gets the endpoint id (<c>ep_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the absolute URL events are POSTed to.</summary>
    public required string Url { get; init; }

    /// <summary>Gets a free-text description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the subscribed event types; <c>message.*</c> matches every type under <c>message.</c>, <c>*</c> matches all.</summary>
    public required IReadOnlyList<string> Events { get; init; }

    /// <summary>Gets the signing secrets: the current one first, rotated-out ones with their expiry after it.</summary>
    public required IReadOnlyList<WebhookEndpointSecret> Secrets { get; init; }

    /// <summary>Gets a value indicating whether deliveries go out.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Gets the most deliveries per second to this endpoint; unlimited when null.</summary>
    public int? RateLimitPerSecond { get; init; }

    /// <summary>Gets extra headers sent with every delivery.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets when the endpoint was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the endpoint was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets why the endpoint was disabled by the dispatcher, if it was.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>Gets since when every attempt has failed; null after a success.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Returns whether the endpoint subscribes to <paramref name="eventType"/>.</summary>
    /// <param name="eventType">The event type.</param>
    /// <returns>Whether one pattern matches.</returns>
    public bool Subscribes(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        foreach (var pattern in Events)
        {
            if (WebhookEventPattern.Matches(pattern, eventType))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>One signing secret of an endpoint.</summary>
/// <param name="Secret">The <c>whsec_</c> secret.</param>
/// <param name="ExpiresAt">When a rotated-out secret stops signing; null for the current one.</param>
public sealed record WebhookEndpointSecret(string Secret, DateTimeOffset? ExpiresAt);

/// <summary>What <see cref="WebhookDeliveryOptions.OnEndpointDisabled"/> is told.</summary>
/// <param name="Endpoint">The endpoint as it was before it was disabled.</param>
/// <param name="Reason">Why: <c>gone</c> (HTTP 410) or <c>failing</c>.</param>
/// <param name="DisabledAt">When.</param>
public sealed record WebhookEndpointDisabledContext(WebhookEndpoint Endpoint, string Reason, DateTimeOffset DisabledAt);
