using System.Data.Common;
using System.Text;
using ApiKit.Testing;

namespace ApiKit.Webhooks.Tests.Subscriptions;

/// <summary>The same behaviour proven against SQLite and PostgreSQL.</summary>
public abstract class SqlStoreContract
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    protected abstract DbConnection NewConnection();

    protected abstract WebhookSqlDialect Dialect { get; }

    protected virtual string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..8] + "_";

    [Fact]
    public async Task Enqueue_RolledBackTransaction_PublishesNothing()
    {
        var store = await CreateStoreAsync();
        await using (var connection = await OpenAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await store.EnqueueAsync(Message("msg_rb"), ["ep_1"], transaction, CancellationToken.None);
            await transaction.RollbackAsync();
        }

        Assert.Empty(await store.ClaimAsync("w", 10, Now, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task Record_MoreResultsThanOneStatementCanBind_RecordsEveryOne()
    {
        // 8,300 results with attempts need 66,400 bind parameters in one statement, over PostgreSQL's 65,535.
        var store = await CreateStoreAsync();
        var endpoints = Enumerable.Range(0, 8300).Select(i => "ep_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await store.EnqueueAsync(Message("msg_many"), endpoints, null, CancellationToken.None);
        var claimed = await store.ClaimAsync("w", endpoints.Length, Now, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(endpoints.Length, claimed.Count);

        await store.RecordAsync(
            [.. claimed.Select(c => new WebhookDeliveryResult(c, WebhookDeliveryState.Succeeded, null, new WebhookAttempt("msg_many", c.EndpointId, 1, Now, WebhookAttemptOutcome.Succeeded, 204, TimeSpan.FromMilliseconds(1), null)))],
            Now,
            CancellationToken.None);

        Assert.Empty(await store.ClaimAsync("w", 10, Now.AddHours(1), TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Single(await store.ListAttemptsAsync("ep_8299", "msg_many", 10, CancellationToken.None));
    }

    [Fact]
    public async Task Enqueue_CommittedWithBusinessRow_ClaimableWithPayload()
    {
        var store = await CreateStoreAsync();
        await using (var connection = await OpenAsync())
        {
            await ExecAsync(connection, null, $"CREATE TABLE {Prefix}orders (id INTEGER PRIMARY KEY)");
            await using var transaction = await connection.BeginTransactionAsync();
            await ExecAsync(connection, transaction, $"INSERT INTO {Prefix}orders (id) VALUES (1)");
            await store.EnqueueAsync(Message("msg_c"), ["ep_1", "ep_2"], transaction, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var claimed = await store.ClaimAsync("w", 10, Now, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(["ep_1", "ep_2"], claimed.Select(c => c.EndpointId).Order(StringComparer.Ordinal));
        Assert.All(claimed, c => Assert.Equal("{\"x\":1}", Encoding.UTF8.GetString(c.Message.Payload.Span)));
    }

    [Fact]
    public async Task Claim_ConcurrentClaimers_NeverShareADelivery()
    {
        var store = await CreateStoreAsync();
        for (var i = 0; i < 60; i++)
        {
            await store.EnqueueAsync(Message("msg_" + i), ["ep_1"], null, CancellationToken.None);
        }

        var batches = await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var mine = new List<string>();
            for (var round = 0; round < 10; round++)
            {
                var claimed = await store.ClaimAsync("w" + w, 4, Now, TimeSpan.FromMinutes(1), CancellationToken.None);
                Assert.InRange(claimed.Count, 0, 4);
                mine.AddRange(claimed.Select(d => d.DeliveryId));
            }

            return mine;
        })));

        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(60, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public async Task Claim_ExpiredLease_ReclaimedAndStaleResultDropped()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync(Message("msg_l"), ["ep_1"], null, CancellationToken.None);
        var first = Assert.Single(await store.ClaimAsync("dead", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Empty(await store.ClaimAsync("other", 10, Now.AddSeconds(29), TimeSpan.FromSeconds(30), CancellationToken.None));

        var second = Assert.Single(await store.ClaimAsync("other", 10, Now.AddSeconds(30), TimeSpan.FromSeconds(30), CancellationToken.None));
        await store.RecordAsync([new WebhookDeliveryResult(first, WebhookDeliveryState.Failed, null, null)], Now.AddSeconds(31), CancellationToken.None);
        await store.RecordAsync([new WebhookDeliveryResult(second, WebhookDeliveryState.Pending, Now.AddMinutes(5), Attempt("msg_l", 1))], Now.AddSeconds(31), CancellationToken.None);

        Assert.Equal(first.DeliveryId, second.DeliveryId);
        Assert.Empty(await store.ClaimAsync("x", 10, Now.AddMinutes(4), TimeSpan.FromSeconds(30), CancellationToken.None));
        var again = Assert.Single(await store.ClaimAsync("x", 10, Now.AddMinutes(5), TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal(1, again.AttemptCount);
    }

    [Fact]
    public async Task Claim_Ordered_LaterMessageWaitsForEarlier()
    {
        var store = await CreateStoreAsync(ordered: true);
        await store.EnqueueAsync(Message("msg_1", "k"), ["ep_1"], null, CancellationToken.None);
        await store.EnqueueAsync(Message("msg_2", "k"), ["ep_1"], null, CancellationToken.None);
        await store.EnqueueAsync(Message("msg_3", "other"), ["ep_1"], null, CancellationToken.None);

        var claimed = await store.ClaimAsync("w", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(["msg_1", "msg_3"], claimed.Select(c => c.Message.Id));
        await store.RecordAsync([.. claimed.Select(c => new WebhookDeliveryResult(c, WebhookDeliveryState.Succeeded, null, null))], Now, CancellationToken.None);

        Assert.Equal("msg_2", Assert.Single(await store.ClaimAsync("w", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None)).Message.Id);
    }

    [Fact]
    public async Task Attempts_RedeliverAndRecover_WorkOnDeadLetters()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync(Message("msg_d"), ["ep_1"], null, CancellationToken.None);
        var claimed = Assert.Single(await store.ClaimAsync("w", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None));
        await store.RecordAsync([new WebhookDeliveryResult(claimed, WebhookDeliveryState.Failed, null, Attempt("msg_d", 1))], Now, CancellationToken.None);

        var attempt = Assert.Single(await store.ListAttemptsAsync("ep_1", "msg_d", 10, CancellationToken.None));
        Assert.Equal(503, attempt.StatusCode);
        Assert.Equal("busy", attempt.Response);
        Assert.Empty(await store.ClaimAsync("w", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None));

        await store.RecordAsync([new WebhookDeliveryResult(claimed, WebhookDeliveryState.Failed, null, Attempt("msg_d", 2) with { StatusCode = null, Response = null, Outcome = WebhookAttemptOutcome.TimedOut })], Now, CancellationToken.None);
        var newest = (await store.ListAttemptsAsync("ep_1", null, 10, CancellationToken.None))[0];
        Assert.Equal(WebhookAttemptOutcome.TimedOut, newest.Outcome);
        Assert.Null(newest.StatusCode);
        Assert.Null(newest.Response);

        Assert.Equal(1, await store.RecoverAsync("ep_1", Now.AddMinutes(-1), Now, CancellationToken.None));
        var recovered = Assert.Single(await store.ClaimAsync("w", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal(0, recovered.AttemptCount);
        Assert.True(await store.RedeliverAsync("ep_1", "msg_d", Now, CancellationToken.None));
        Assert.False(await store.RedeliverAsync("ep_1", "msg_missing", Now, CancellationToken.None));
        Assert.Single(await store.ClaimAsync("w2", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    [Fact]
    public async Task Endpoints_CrudRoundTrip_KeepsEveryField()
    {
        var store = await CreateStoreAsync();
        var endpoint = new WebhookEndpoint
        {
            Id = "ep_x",
            Url = "https://example.com/hook",
            Description = "orders",
            Events = ["message.*", "user.created"],
            Secrets = [new WebhookEndpointSecret(WebhookSecret.Generate().ToString(), null), new WebhookEndpointSecret(WebhookSecret.Generate().ToString(), Now.AddHours(1))],
            RateLimitPerSecond = 5,
            Headers = new Dictionary<string, string> { ["X-Tenant"] = "7" },
            CreatedAt = Now,
            UpdatedAt = Now,
        };

        await store.CreateAsync(endpoint, CancellationToken.None);
        var read = await store.GetAsync("ep_x", CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(endpoint.Events, read.Events);
        Assert.Equal(endpoint.Secrets, read.Secrets);
        Assert.Equal("7", read.Headers["X-Tenant"]);
        Assert.Equal(5, read.RateLimitPerSecond);

        Assert.True(await store.UpdateAsync(read with { Enabled = false, DisabledReason = "gone", FailingSince = Now }, CancellationToken.None));
        var updated = await store.GetAsync("ep_x", CancellationToken.None);
        Assert.False(updated!.Enabled);
        Assert.Equal(Now, updated.FailingSince);
        Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.True(await store.DeleteAsync("ep_x", CancellationToken.None));
        Assert.Null(await store.GetAsync("ep_x", CancellationToken.None));
        Assert.False(await store.UpdateAsync(endpoint, CancellationToken.None));
    }

    [Fact]
    public async Task Purge_DeliveredBeforeCutoff_RemovedWithAttemptsAndMessageWhilePendingAndDeadLettersStay()
    {
        var store = await CreateStoreAsync();
        foreach (var id in new[] { "msg_ok", "msg_dead", "msg_later" })
        {
            await store.EnqueueAsync(Message(id), ["ep_1"], null, CancellationToken.None);
        }

        var claimed = await store.ClaimAsync("w", 10, Now, TimeSpan.FromSeconds(30), CancellationToken.None);
        await store.RecordAsync(
        [
            new WebhookDeliveryResult(claimed.Single(c => c.Message.Id == "msg_ok"), WebhookDeliveryState.Succeeded, null, Attempt("msg_ok", 1)),
            new WebhookDeliveryResult(claimed.Single(c => c.Message.Id == "msg_dead"), WebhookDeliveryState.Failed, null, Attempt("msg_dead", 1)),
            new WebhookDeliveryResult(claimed.Single(c => c.Message.Id == "msg_later"), WebhookDeliveryState.Pending, Now.AddHours(1), Attempt("msg_later", 1)),
        ], Now, CancellationToken.None);

        Assert.Equal((0, 0, 0), await store.PurgeAsync(Now));
        Assert.Equal((1, 1, 1), await store.PurgeAsync(Now.AddMilliseconds(1)));

        Assert.Empty(await store.ListAttemptsAsync("ep_1", "msg_ok", 10, CancellationToken.None));
        Assert.Single(await store.ListAttemptsAsync("ep_1", "msg_dead", 10, CancellationToken.None));
        Assert.Single(await store.ListAttemptsAsync("ep_1", "msg_later", 10, CancellationToken.None));
        Assert.False(await store.RedeliverAsync("ep_1", "msg_ok", Now, CancellationToken.None));
        Assert.Equal(1, await store.RecoverAsync("ep_1", Now.AddMinutes(-1), Now, CancellationToken.None));
        Assert.Equal(["msg_dead", "msg_later"], (await store.ClaimAsync("w", 10, Now.AddHours(1), TimeSpan.FromSeconds(30), CancellationToken.None)).Select(c => c.Message.Id).Order(StringComparer.Ordinal));
    }

    protected async Task<SqlWebhookStore> CreateStoreAsync(bool ordered = false)
    {
        var store = new SqlWebhookStore(new SqlWebhookStoreOptions { ConnectionFactory = NewConnection, Dialect = Dialect, TablePrefix = Prefix }) { Ordered = ordered };
        await store.EnsureSchemaAsync();
        return store;
    }

    private async Task<DbConnection> OpenAsync()
    {
        var connection = NewConnection();
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecAsync(DbConnection connection, DbTransaction? transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync();
    }

    private static WebhookMessage Message(string id, string? key = null) => new(id, "a.b", Encoding.UTF8.GetBytes("{\"x\":1}"), Now, key);

    private static WebhookAttempt Attempt(string messageId, int number) =>
        new(messageId, "ep_1", number, Now, WebhookAttemptOutcome.HttpError, 503, TimeSpan.FromMilliseconds(12), "busy");
}

public sealed class SqliteStoreTests : SqlStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("apikit-wh-").FullName;

    protected override WebhookSqlDialect Dialect => WebhookSqlDialect.Sqlite;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    protected override DbConnection NewConnection() => Sqlite.Connect(Path.Combine(_folder, "outbox.db"));
}

public sealed class PostgresStoreTests(PostgresServerFixture postgres) : SqlStoreContract, IClassFixture<PostgresServerFixture>
{
    protected override WebhookSqlDialect Dialect => WebhookSqlDialect.PostgreSql;

    protected override DbConnection NewConnection() => new Npgsql.NpgsqlConnection(postgres.ConnectionString);
}

internal static class Sqlite
{
    static Sqlite() => SQLitePCL.Batteries_V2.Init();

    public static Microsoft.Data.Sqlite.SqliteConnection Connect(string path) => new($"Data Source={path};Cache=Shared;Default Timeout=30");
}
