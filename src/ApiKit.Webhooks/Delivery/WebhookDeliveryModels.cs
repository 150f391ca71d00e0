namespace ApiKit.Webhooks;

/// <summary>A published message: the signed body that goes to every subscribed endpoint.</summary>
/// <param name="Id">The message id (<c>webhook-id</c>).</param>
/// <param name="EventType">The event type.</param>
/// <param name="Payload">The envelope bytes, sent as the body.</param>
/// <param name="CreatedAt">When it was published.</param>
/// <param name="OrderingKey">The FIFO ordering key, if any.</param>
public sealed record WebhookMessage(string Id, string EventType, ReadOnlyMemory<byte> Payload, DateTimeOffset CreatedAt, string? OrderingKey);

/// <summary>One message due to one endpoint, as claimed by a dispatcher.</summary>
/// <param name="DeliveryId">The store's id of the delivery.</param>
/// <param name="Message">The message.</param>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="AttemptCount">Attempts made before this claim.</param>
/// <param name="LeaseToken">Proves the claim when the result is recorded; a stale lease's result is dropped.</param>
public sealed record WebhookDelivery(string DeliveryId, WebhookMessage Message, string EndpointId, int AttemptCount, string LeaseToken);

/// <summary>The state a delivery is left in.</summary>
public enum WebhookDeliveryState
{
    /// <summary>Waiting for its next attempt.</summary>
    Pending = 0,

    /// <summary>Delivered (2xx).</summary>
    Succeeded = 1,

    /// <summary>Out of attempts, or its endpoint disabled or deleted: kept as a dead letter for replay.</summary>
    Failed = 2,
}

/// <summary>How one attempt ended.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<WebhookAttemptOutcome>))]
public enum WebhookAttemptOutcome
{
    /// <summary>The endpoint answered 2xx.</summary>
    Succeeded,

    /// <summary>The endpoint answered something else.</summary>
    HttpError,

    /// <summary>The attempt did not finish within the attempt timeout.</summary>
    TimedOut,

    /// <summary>The connection failed.</summary>
    NetworkError,

    /// <summary>The SSRF guard or the HTTPS rule refused the address.</summary>
    Blocked,
}

/// <summary>One entry of the attempt log.</summary>
/// <param name="MessageId">The message.</param>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="AttemptNumber">1 for the first attempt.</param>
/// <param name="AttemptedAt">When it started.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="StatusCode">The HTTP status, when one came back.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Response">The start of the response body or the error, truncated.</param>
public sealed record WebhookAttempt(string MessageId, string EndpointId, int AttemptNumber, DateTimeOffset AttemptedAt, WebhookAttemptOutcome Outcome, int? StatusCode, TimeSpan Duration, string? Response);

/// <summary>What the dispatcher did with one claimed delivery.</summary>
/// <param name="Delivery">The delivery.</param>
/// <param name="State">The state to leave it in.</param>
/// <param name="NextAttemptAt">When it is due again, for <see cref="WebhookDeliveryState.Pending"/>.</param>
/// <param name="Attempt">The attempt made; null when the delivery was postponed without one.</param>
public sealed record WebhookDeliveryResult(WebhookDelivery Delivery, WebhookDeliveryState State, DateTimeOffset? NextAttemptAt, WebhookAttempt? Attempt);
