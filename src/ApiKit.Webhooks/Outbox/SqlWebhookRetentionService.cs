using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks;

/// <summary>Every <see cref="WebhookDeliveryOptions.RetentionCleanupInterval"/>, purges what <see cref="WebhookDeliveryOptions.RetentionPeriod"/> lets go.</summary>
internal sealed partial class SqlWebhookRetentionService(
    SqlWebhookStore store,
    IOptions<WebhookDeliveryOptions> options,
    TimeProvider timeProvider,
    ILogger<SqlWebhookRetentionService> logger) : BackgroundService
{
    /// <summary>Gets how many cleanups finished, successful or not; tests wait on it.</summary>
    internal int Runs => Volatile.Read(ref _runs);

    private int _runs;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.RetentionPeriod is not { } period)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(o.RetentionCleanupInterval, timeProvider, stoppingToken).ConfigureAwait(false);
                var (deliveries, attempts, messages) = await store.PurgeAsync(timeProvider.GetUtcNow() - period, stoppingToken).ConfigureAwait(false);
                Log.Purged(logger, deliveries, attempts, messages);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed cleanup is retried at the next interval; it must not stop the host.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.PurgeFailed(logger, e);
            }

            Interlocked.Increment(ref _runs);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Webhook retention removed {Deliveries} delivered deliveries, {Attempts} attempts and {Messages} messages.", EventName = "WebhookRetentionPurged")]
        public static partial void Purged(ILogger logger, int deliveries, int attempts, int messages);

        [LoggerMessage(2, LogLevel.Warning, "Webhook retention cleanup failed; it runs again at the next interval.", EventName = "WebhookRetentionFailed")]
        public static partial void PurgeFailed(ILogger logger, Exception exception);
    }
}
