using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks;

/// <summary>The background dispatcher: several claim loops, each leasing batches from the store.</summary>
internal sealed partial class WebhookDispatcher(
    WebhookDeliveryProcessor processor,
    WebhookDispatchSignal signal,
    IOptions<WebhookDeliveryOptions> options,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly string _workerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.DispatcherLoops).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                claimed = await processor.RunOnceAsync(_workerId, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store outage must not end the dispatcher; the next round retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.RoundFailed(logger, e);
                claimed = 0;
            }

            if (claimed == 0)
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Webhook dispatch round failed; retrying after the poll interval.", EventName = "WebhookDispatchFailed")]
        public static partial void RoundFailed(ILogger logger, Exception exception);
    }
}
