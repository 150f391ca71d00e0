using System.Net;
using System.Text.Json;
using ChatApi.Data.Sqlite;
using ChatApi.Infrastructure;
using ChatApi.Tests.Auth;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Data;

public sealed class DatabaseTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "chatapi-db-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Migrate_RunTwiceOnTheSameFile_AppliesEachVersionOnce()
    {
        var database = CreateDatabase(out var connections);

        await database.MigrateAsync(CancellationToken.None);
        await database.MigrateAsync(CancellationToken.None);

        Assert.Equal(database.RequiredVersion, await database.GetVersionAsync(CancellationToken.None));
        Assert.Equal(1L, await ScalarAsync(connections, "SELECT COUNT(*) FROM schema_migrations WHERE version = 1;"));
        Assert.Equal(database.RequiredVersion, (int)(long)(await ScalarAsync(connections, "SELECT COUNT(*) FROM schema_migrations;"))!);
    }

    [Fact]
    public async Task Migrate_TurnsOnWal_AndEveryConnectionEnforcesForeignKeysWithNormalSync()
    {
        var database = CreateDatabase(out var connections);

        await database.MigrateAsync(CancellationToken.None);

        Assert.Equal("wal", await ScalarAsync(connections, "PRAGMA journal_mode;"));
        Assert.Equal(1L, await ScalarAsync(connections, "PRAGMA foreign_keys;"));
        Assert.Equal(1L, await ScalarAsync(connections, "PRAGMA synchronous;"));
        var exception = await Assert.ThrowsAsync<SqliteException>(() => ScalarAsync(
            connections,
            $"INSERT INTO room_members (room_id, user_id, joined_at) VALUES ('{Guid.NewGuid()}', '{Guid.NewGuid()}', 0);"));
        Assert.Equal(19, exception.SqliteErrorCode);
    }

    [Fact]
    public async Task Migrate_ConcurrentStarts_ApplyEachVersionOnce()
    {
        var first = CreateDatabase(out var connections);
        var second = CreateDatabase(out _);

        await Task.WhenAll(
            Task.Run(() => first.MigrateAsync(CancellationToken.None)),
            Task.Run(() => second.MigrateAsync(CancellationToken.None)));

        Assert.Equal((long)first.RequiredVersion, await ScalarAsync(connections, "SELECT COUNT(*) FROM schema_migrations;"));
    }

    [Fact]
    public async Task App_RestartedOnAnExistingFile_KeepsDataAndDoesNotMigrateAgain()
    {
        Guid user;
        using (var firstRun = new ChatApiFactory { DataDirectory = _directory, DeleteDirectoryOnDispose = false })
        {
            user = await firstRun.CreateClient().CreateUserAsync();
        }

        using var secondRun = new ChatApiFactory { DataDirectory = _directory, DeleteDirectoryOnDispose = false };
        var client = secondRun.CreateAdminClient();

        await client.GetAsync($"/api/v1/users/{user}").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(secondRun.Logs.Entries, e => e.Category == typeof(SqliteChatDatabase).FullName);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "chat.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_migrations;";
        Assert.Equal(5L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Ready_DatabaseFileCorrupted_Returns503()
    {
        using var factory = new ChatApiFactory { DataDirectory = _directory, DeleteDirectoryOnDispose = false };
        var client = factory.CreateClient();
        await client.GetAsync("/health/ready").ExpectAsync(HttpStatusCode.OK);

        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_directory))
        {
            File.WriteAllBytes(file, new byte[8192]);
        }

        var body = await client.GetAsync("/health/ready").ExpectAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var database = body.GetProperty("checks").GetProperty("database");
        Assert.Equal("The database could not be queried.", database.GetProperty("description").GetString());
        await client.GetAsync("/health/live").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_SchemaBehindTheApplication_Returns503()
    {
        using var factory = new ChatApiFactory { DataDirectory = _directory, DeleteDirectoryOnDispose = false };
        var client = factory.CreateClient();
        var connections = factory.Services.GetRequiredService<SqliteConnectionFactory>();
        await ScalarAsync(connections, "DELETE FROM schema_migrations;");

        var body = await client.GetAsync("/health/ready").ExpectAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(JsonValueKind.String, body.GetProperty("checks").GetProperty("database").GetProperty("description").ValueKind);
        Assert.Contains("Schema version 0", body.GetProperty("checks").GetProperty("database").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionFactory_RelativeDataSource_IsResolvedAgainstTheDataDirectory()
    {
        CreateDatabase(out var connections);

        Assert.Equal(Path.Combine(_directory, "chat.db"), connections.DataSource);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private SqliteChatDatabase CreateDatabase(out SqliteConnectionFactory connections)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chat"] = "Data Source=chat.db",
        }).Build();
        var environment = new HostingEnvironment { ContentRootPath = Path.GetTempPath() };
        connections = new SqliteConnectionFactory(configuration, Options.Create(new ChatApiOptions { DataDirectory = _directory }), environment);
        return new SqliteChatDatabase(connections, TimeProvider.System, NullLogger<SqliteChatDatabase>.Instance);
    }

    private static async Task<object?> ScalarAsync(SqliteConnectionFactory connections, string sql)
    {
        await using var connection = await connections.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
