using System.Data.Common;

namespace ApiKit.Webhooks;

/// <summary>Durable storage of messages, their deliveries and the attempt log.</summary>
public interface IWebhookDeliveryStore
{
    /// <summary>Stores a message with one pending delivery per endpoint.</summary>
    /// <param name="message">The message.</param>
    /// <param name="endpointIds">The endpoints it goes to.</param>
    /// <param name="transaction">The application's transaction to join, or null; stores that cannot join one throw <see cref="NotSupportedException"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when stored (within the transaction, if one is given).</returns>
    Task EnqueueAsync(WebhookMessage message, IReadOnlyList<string> endpointIds, DbTransaction? transaction, CancellationToken cancellationToken);

    /// <summary>Leases up to <paramref name="maxCount"/> due deliveries that no live lease holds.</summary>
    /// <param name="workerId">The claiming dispatcher.</param>
    /// <param name="maxCount">The most deliveries to take.</param>
    /// <param name="now">The current time.</param>
    /// <param name="lease">How long the claim holds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed deliveries.</returns>
    Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string workerId, int maxCount, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records results and releases their leases; a result whose lease was lost is dropped, its attempt still logged.</summary>
    /// <param name="results">The results.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when recorded.</returns>
    Task RecordAsync(IReadOnlyList<WebhookDeliveryResult> results, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Lists the newest attempts to an endpoint, optionally of one message.</summary>
    /// <param name="endpointId">The endpoint.</param>
    /// <param name="messageId">The message, or null for all.</param>
    /// <param name="limit">The most entries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The attempts, newest first.</returns>
    Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string endpointId, string? messageId, int limit, CancellationToken cancellationToken);

    /// <summary>Queues one more delivery of a stored message to an endpoint.</summary>
    /// <param name="endpointId">The endpoint.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the message was found.</returns>
    Task<bool> RedeliverAsync(string endpointId, string messageId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Puts every failed delivery to an endpoint created since <paramref name="since"/> back in the queue.</summary>
    /// <param name="endpointId">The endpoint.</param>
    /// <param name="since">The earliest message time.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many deliveries were queued again.</returns>
    Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Storage of subscriptions.</summary>
public interface IWebhookEndpointStore
{
    /// <summary>Stores a new endpoint.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when stored.</returns>
    Task CreateAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>Gets one endpoint.</summary>
    /// <param name="id">The endpoint id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint, or null.</returns>
    Task<WebhookEndpoint?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Lists every endpoint.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoints.</returns>
    Task<IReadOnlyList<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Replaces an endpoint.</summary>
    /// <param name="endpoint">The new state.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it existed.</returns>
    Task<bool> UpdateAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>Deletes an endpoint.</summary>
    /// <param name="id">The endpoint id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it existed.</returns>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
