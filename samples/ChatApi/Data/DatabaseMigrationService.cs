namespace ChatApi.Data;

/// <summary>
/// Migrates the schema while the host is starting, before any hosted service (and so before the
/// server) starts: requests never meet an old schema, and a failed migration stops the start-up.
/// </summary>
internal sealed class DatabaseMigrationService(IChatDatabase database) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
