namespace ApiKit.Webhooks;

/// <summary>Wakes the idle dispatcher of this process so it claims at once instead of at its next poll.</summary>
/// <remarks>
/// <see cref="IWebhookPublisher.PublishAsync(WebhookEvent, System.Data.Common.DbTransaction, CancellationToken)"/> wakes it
/// already, but inside the application's transaction, before the rows are visible: on PostgreSQL the claim then finds
/// nothing and the committed rows wait for the poll (<see cref="WebhookDeliveryOptions.PollInterval"/>). Call
/// <see cref="Notify"/> after the commit to have them sent at once. Calling it needlessly costs one empty claim at most.
/// </remarks>
public interface IWebhookDispatcherSignal
{
    /// <summary>Wakes the dispatcher; signals that arrive while it is already awake are merged into one.</summary>
    void Notify();
}
