using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace ChatApi.Data.Sqlite;

/// <summary>
/// Creates and migrates the SQLite schema. Migrations are the embedded <c>Data/Migrations/NNNN_name.sql</c>
/// scripts; each runs in its own transaction together with its row in <c>schema_migrations</c>, so a
/// crash leaves the database at a whole version and the next start carries on from there.
/// </summary>
internal sealed partial class SqliteChatDatabase : IChatDatabase
{
    private const string ResourcePrefix = "ChatApi.Migrations.";

    private static readonly IReadOnlyList<Migration> Migrations = LoadMigrations();

    private readonly SqliteConnectionFactory _connections;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SqliteChatDatabase> _logger;

    public SqliteChatDatabase(SqliteConnectionFactory connections, TimeProvider timeProvider, ILogger<SqliteChatDatabase> logger)
    {
        _connections = connections;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public int RequiredVersion => Migrations[^1].Version;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(_connections.DataSource);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = await _connections.OpenAsync(cancellationToken);

        // WAL lets readers and the single writer run concurrently; the mode is stored in the file.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);
        await ExecuteAsync(
            connection,
            null,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);",
            cancellationToken);

        foreach (var migration in Migrations)
        {
            // BEGIN IMMEDIATE takes the write lock first, so two instances starting together apply each script once.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $version;";
                check.Parameters.AddWithValue("$version", migration.Version);
                if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0)
                {
                    continue;
                }
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $appliedAt);";
                record.Parameters.AddWithValue("$version", migration.Version);
                record.Parameters.AddWithValue("$name", migration.Name);
                record.Parameters.AddWithValue("$appliedAt", _timeProvider.GetUtcNow().UtcTicks);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            LogApplied(_logger, migration.Version, migration.Name);
        }
    }

    public async Task<int> GetVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(SqliteChatDatabase).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var fileName = resource[ResourcePrefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture);
            migrations.Add(new Migration(version, fileName[(separator + 1)..], ReadResource(assembly, resource)));
        }

        migrations.Sort((left, right) => left.Version.CompareTo(right.Version));
        if (migrations.Count == 0 || migrations.Select(m => m.Version).Distinct().Count() != migrations.Count)
        {
            throw new InvalidOperationException("The embedded migrations are missing or have duplicate versions.");
        }

        return migrations;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(1, LogLevel.Information, "Applied schema migration {Version} ({Name})")]
    private static partial void LogApplied(ILogger logger, int version, string name);

    private sealed record Migration(int Version, string Name, string Sql);
}
