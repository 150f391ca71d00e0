using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks;

internal sealed class SqlWebhookSchemaInitializer(SqlWebhookStore store, IOptions<SqlWebhookStoreOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.CreateSchema ? store.EnsureSchemaAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
