using Microsoft.Extensions.Hosting;

namespace ApiKit.Webhooks;

/// <summary>The background dispatcher: one streaming pipeline per process; several processes may share a store.</summary>
internal sealed class WebhookDispatcher(WebhookDispatchPipeline pipeline) : BackgroundService
{
    private readonly string _workerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        pipeline.RunAsync(_workerId, stopWhenIdle: false, stoppingToken);
}
