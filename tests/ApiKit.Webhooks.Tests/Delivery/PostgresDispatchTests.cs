using System.Data.Common;
using ApiKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ApiKit.Webhooks.Tests.Delivery;

/// <summary>Two dispatchers on one PostgreSQL outbox, publishing inside the application's own transactions.</summary>
public sealed class PostgresDispatchTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task TwoDispatchers_CommittedEventsDeliveredOnceEach_RolledBackNever()
    {
        await using var receiver = await RecordingReceiver.StartAsync(TimeSpan.FromMilliseconds(2));
        var prefix = "pg" + Guid.NewGuid().ToString("N")[..8] + "_";
        ServiceProvider Dispatcher()
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddWebhooks(o =>
            {
                o.RequireHttps = false;
                o.Ssrf.AllowedNetworks.Add("127.0.0.1/32");
                o.BatchSize = 8;
                o.MaxInFlight = 16;
            }).UseSqlStore(o =>
            {
                o.Dialect = WebhookSqlDialect.PostgreSql;
                o.TablePrefix = prefix;
                o.ConnectionFactory = () => new NpgsqlConnection(postgres.ConnectionString);
            });
            return services.BuildServiceProvider();
        }

        await using var first = Dispatcher();
        await using var second = Dispatcher();
        var store = first.GetRequiredService<SqlWebhookStore>();
        await store.EnsureSchemaAsync();
        await store.CreateAsync(new WebhookEndpoint
        {
            Id = "ep_pg",
            Url = receiver.Url,
            Events = ["*"],
            Secrets = [new WebhookEndpointSecret(receiver.Secret.ToString(), null)],
        }, CancellationToken.None);

        var publisher = first.GetRequiredService<IWebhookPublisher>();
        var committed = new List<string>();
        var rolledBack = new List<string>();
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
        {
            await connection.OpenAsync();
            await Exec(connection, null, $"CREATE TABLE {prefix}orders (id INTEGER PRIMARY KEY)");
            for (var i = 0; i < 120; i++)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await Exec(connection, transaction, $"INSERT INTO {prefix}orders (id) VALUES ({i})");
                var id = await publisher.PublishAsync(WebhookEvent.Create("order.created", new { id = i }), transaction);
                if (i % 5 == 4)
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

        await Task.WhenAll(
            first.GetRequiredService<WebhookDispatchPipeline>().RunAsync("a", stopWhenIdle: true, CancellationToken.None),
            second.GetRequiredService<WebhookDispatchPipeline>().RunAsync("b", stopWhenIdle: true, CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(committed.Order(StringComparer.Ordinal), receiver.Received.Keys.Order(StringComparer.Ordinal));
        Assert.All(receiver.Received.Values, count => Assert.Equal(1, count));
        Assert.DoesNotContain(rolledBack, receiver.Received.ContainsKey);
    }

    private static async Task Exec(DbConnection connection, DbTransaction? transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync();
    }
}
