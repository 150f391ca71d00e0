using System.Data.Common;

namespace ApiKit.Webhooks;

/// <summary>Publishes events to every enabled endpoint that subscribes to their type.</summary>
public interface IWebhookPublisher
{
    /// <summary>
    /// Enqueues an event inside the application's own transaction: if it rolls back nothing is sent,
    /// if it commits the event is delivered at least once.
    /// </summary>
    /// <param name="webhookEvent">The event.</param>
    /// <param name="transaction">The application's open transaction.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message id (<c>webhook-id</c>).</returns>
    Task<string> PublishAsync(WebhookEvent webhookEvent, DbTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>Enqueues an event on its own, outside any application transaction.</summary>
    /// <param name="webhookEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message id (<c>webhook-id</c>).</returns>
    Task<string> PublishAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken = default);
}
