using System.Data.Common;
using ApiKit.Webhooks.Tests.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ApiKit.Webhooks.Tests.Delivery;

/// <summary>The hosted dispatcher, the SQLite outbox and a verifying Kestrel receiver, all real.</summary>
public sealed class DispatcherEndToEndTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("apikit-wh-e2e-").FullName;
    private RecordingReceiver _receiver = null!;
    private IHost _host = null!;

    private string DatabasePath => Path.Combine(_folder, "app.db");

    public async Task InitializeAsync()
    {
        _receiver = await RecordingReceiver.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWebhooks(o =>
        {
            o.RequireHttps = false;
            o.Ssrf.AllowedNetworks.Add("127.0.0.1/32");
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        }).UseSqlStore(o => o.ConnectionFactory = () => Sqlite.Connect(DatabasePath)).AddDispatcher();
        _host = builder.Build();
        await _host.StartAsync();
        await _host.Services.GetRequiredService<IWebhookEndpointStore>().CreateAsync(new WebhookEndpoint
        {
            Id = "ep_e2e",
            Url = _receiver.Url,
            Events = ["order.*"],
            Secrets = [new WebhookEndpointSecret(_receiver.Secret.ToString(), null)],
        }, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _receiver.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Publish_InCommittedAndRolledBackTransactions_OnlyCommittedDelivered()
    {
        var publisher = _host.Services.GetRequiredService<IWebhookPublisher>();
        var committed = new List<string>();
        var rolledBack = new List<string>();
        await using (var connection = Sqlite.Connect(DatabasePath))
        {
            await connection.OpenAsync();
            await Exec(connection, null, "CREATE TABLE orders (id INTEGER PRIMARY KEY)");
            for (var i = 0; i < 20; i++)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await Exec(connection, transaction, $"INSERT INTO orders (id) VALUES ({i})");
                var id = await publisher.PublishAsync(WebhookEvent.Create("order.created", new { id = i }), transaction);
                if (i % 4 == 3)
                {
                    await transaction.RollbackAsync();
                    rolledBack.Add(id);
                }
                else
                {
                    await transaction.CommitAsync();
                    committed.Add(id);
                }
            }
        }

        await _receiver.WaitForAsync(r => committed.All(r.Received.ContainsKey), TimeSpan.FromSeconds(20));

        Assert.DoesNotContain(rolledBack, _receiver.Received.ContainsKey);
        Assert.Equal(committed.Order(StringComparer.Ordinal), _receiver.Received.Keys.Order(StringComparer.Ordinal));
        var attempts = await _host.Services.GetRequiredService<IWebhookDeliveryStore>().ListAttemptsAsync("ep_e2e", committed[0], 10, CancellationToken.None);
        Assert.Equal(204, Assert.Single(attempts).StatusCode);
    }

    [Fact]
    public async Task Publish_UnsubscribedType_NotDelivered()
    {
        var publisher = _host.Services.GetRequiredService<IWebhookPublisher>();
        var ignored = await publisher.PublishAsync(WebhookEvent.Create("user.created", new { id = 1 }));
        var wanted = await publisher.PublishAsync(WebhookEvent.Create("order.paid", new { id = 2 }));

        await _receiver.WaitForAsync(r => r.Received.ContainsKey(wanted), TimeSpan.FromSeconds(20));

        Assert.False(_receiver.Received.ContainsKey(ignored));
    }

    private static async Task Exec(DbConnection connection, DbTransaction? transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync();
    }
}
