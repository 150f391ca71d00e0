using System.Data.Common;

namespace ApiKit.Webhooks;

internal sealed class WebhookPublisher(IWebhookDeliveryStore store, IWebhookEndpointStore endpoints, WebhookDispatchSignal signal, TimeProvider timeProvider) : IWebhookPublisher
{
    public Task<string> PublishAsync(WebhookEvent webhookEvent, DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return PublishCoreAsync(webhookEvent, transaction, null, cancellationToken);
    }

    public Task<string> PublishAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken = default) =>
        PublishCoreAsync(webhookEvent, null, null, cancellationToken);

    /// <summary>Sends to one endpoint whatever it subscribes to (the management API's test event).</summary>
    public Task<string> PublishToAsync(WebhookEvent webhookEvent, string endpointId, CancellationToken cancellationToken) =>
        PublishCoreAsync(webhookEvent, null, endpointId, cancellationToken);

    private async Task<string> PublishCoreAsync(WebhookEvent webhookEvent, DbTransaction? transaction, string? onlyEndpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        var now = timeProvider.GetUtcNow();
        var id = webhookEvent.Id ?? WebhookEnvelope.NewMessageId(now);
        List<string> targets;
        if (onlyEndpoint is null)
        {
            var all = await endpoints.ListAsync(cancellationToken).ConfigureAwait(false);
            targets = [.. all.Where(e => e.Enabled && e.Subscribes(webhookEvent.Type)).Select(e => e.Id)];
        }
        else
        {
            targets = [onlyEndpoint];
        }

        if (targets.Count == 0)
        {
            return id;
        }

        var message = new WebhookMessage(id, webhookEvent.Type, WebhookEnvelope.Serialize(webhookEvent.Type, now, webhookEvent.Data), now, webhookEvent.OrderingKey);
        await store.EnqueueAsync(message, targets, transaction, cancellationToken).ConfigureAwait(false);

        // Before a commit the dispatcher may find nothing yet (PostgreSQL): callers notify IWebhookDispatcherSignal after
        // their commit, or the rows are found at the next poll.
        signal.Notify();
        return id;
    }
}
