using System.Text;
using ApiKit.Webhooks.Tests.Subscriptions;
using Microsoft.Data.Sqlite;

namespace ApiKit.Webhooks.Tests.Outbox;

/// <summary>The dispatcher's long-lived SQLite connection relaxes fsync and checkpoints for itself only.</summary>
public sealed class SqliteBookkeepingConnectionTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly string _database = Path.Combine(Directory.CreateTempSubdirectory("apikit-wh-pragmas-").FullName, "outbox.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_database)!, recursive: true);
    }

    [Fact]
    public async Task DisposeAsync_AfterClaims_PoolGetsTheBookkeepingConnectionBackWithItsOwnSettings()
    {
        var store = new SqlWebhookStore(new SqlWebhookStoreOptions { ConnectionFactory = () => Sqlite.Connect(_database) });
        await store.EnsureSchemaAsync();
        await store.EnqueueAsync(new WebhookMessage("msg_1", "a.b", Encoding.UTF8.GetBytes("{}"), Now, null), ["ep_1"], null, CancellationToken.None);
        Assert.Single(await store.ClaimAsync("w", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None));
        await store.DisposeAsync();

        // Hold several at once so that every pooled connection, the bookkeeping one included, is handed out.
        var connections = new List<SqliteConnection>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var connection = Sqlite.Connect(_database);
                await connection.OpenAsync();
                connections.Add(connection);
            }

            foreach (var connection in connections)
            {
                Assert.Equal(2L, await PragmaAsync(connection, "synchronous"));
                Assert.Equal(1000L, await PragmaAsync(connection, "wal_autocheckpoint"));
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<long> PragmaAsync(SqliteConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
