using ChatApi.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ChatApi.Data.Sqlite;

/// <summary>
/// Opens connections to the SQLite file named by <c>ConnectionStrings:Chat</c>. A relative data source
/// is resolved against <see cref="ChatApiOptions.DataDirectory"/> (or the content root), so the file
/// does not move with the working directory. Every connection enforces foreign keys and uses
/// <c>synchronous = NORMAL</c>, the usual setting with WAL.
/// </summary>
internal sealed class SqliteConnectionFactory
{
    private readonly string _connectionString;

    public SqliteConnectionFactory(IConfiguration configuration, IOptions<ChatApiOptions> options, IHostEnvironment environment)
    {
        SQLitePCL.Batteries_V2.Init();

        var builder = new SqliteConnectionStringBuilder(
            configuration.GetConnectionString(ChatApiDefaults.ConnectionStringName) ?? ChatApiDefaults.ConnectionString)
        {
            ForeignKeys = true,
        };

        if (builder.Mode != SqliteOpenMode.Memory
            && !string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal)
            && !Path.IsPathRooted(builder.DataSource))
        {
            var folder = options.Value.DataDirectory is { Length: > 0 } configured
                ? Path.GetFullPath(configured, environment.ContentRootPath)
                : environment.ContentRootPath;
            builder.DataSource = Path.Combine(folder, builder.DataSource);
        }

        DataSource = builder.DataSource;
        _connectionString = builder.ToString();
    }

    /// <summary>Gets the absolute path of the database file.</summary>
    public string DataSource { get; }

    /// <summary>
    /// Creates an unopened connection to the same file, for components that open their own (the webhook outbox's
    /// dispatcher and endpoint store); they set their own <c>synchronous</c> level per write.
    /// </summary>
    public SqliteConnection CreateConnection() => new(_connectionString);

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // In WAL mode NORMAL stays consistent on any crash and loses only the last commits on power loss,
            // while FULL would fsync on every commit, which throttles every write.
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
