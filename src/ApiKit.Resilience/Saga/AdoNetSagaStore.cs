using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ApiKit.Resilience.Saga;

/// <summary>
/// A durable saga store over any ADO.NET provider, given a factory of unopened connections. The SQL is portable
/// (plain types, <c>CREATE ... IF NOT EXISTS</c> and <c>@name</c> parameters; tested on SQLite and on PostgreSQL
/// through Npgsql), so this package depends on no database driver.
/// </summary>
public sealed partial class AdoNetSagaStore : ISagaStore
{
    private readonly Func<DbConnection> _connectionFactory;
    private readonly string _table;

    /// <summary>Creates the store.</summary>
    /// <param name="connectionFactory">Returns a new, unopened connection; the store opens and disposes it.</param>
    /// <param name="tableName">The table; letters, digits and underscores only.</param>
    public AdoNetSagaStore(Func<DbConnection> connectionFactory, string tableName = "apikit_sagas")
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        if (!IdentifierPattern().IsMatch(tableName))
        {
            throw new ArgumentException("The table name must be a plain SQL identifier.", nameof(tableName));
        }

        _connectionFactory = connectionFactory;
        _table = tableName;
    }

    /// <summary>Creates the table and its index when they do not exist.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the schema exists.</returns>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {_table} (
                id VARCHAR(200) NOT NULL PRIMARY KEY,
                saga_name VARCHAR(200) NOT NULL,
                status INTEGER NOT NULL,
                step INTEGER NOT NULL,
                data TEXT NOT NULL,
                version INTEGER NOT NULL,
                error TEXT NULL,
                updated_at BIGINT NOT NULL)
            """, null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"CREATE INDEX IF NOT EXISTS ix_{_table}_open ON {_table} (saga_name, status)", null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask CreateAsync(SagaRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            await ExecuteAsync(
                connection,
                $"INSERT INTO {_table} (id, saga_name, status, step, data, version, error, updated_at) VALUES (@id, @saga_name, @status, @step, @data, 0, @error, @updated_at)",
                record,
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            throw new SagaConcurrencyException($"Saga '{record.Id}' could not be created (it may already exist).", exception);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryUpdateAsync(SagaRecord record, int expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var rows = await ExecuteAsync(
            connection,
            $"UPDATE {_table} SET status = @status, step = @step, data = @data, error = @error, updated_at = @updated_at, version = version + 1 WHERE id = @id AND version = @expected",
            record,
            cancellationToken,
            expectedVersion).ConfigureAwait(false);
        return rows == 1;
    }

    /// <inheritdoc />
    public async ValueTask<SagaRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var records = await QueryAsync($"SELECT {Columns} FROM {_table} WHERE id = @id", "@id", id, cancellationToken).ConfigureAwait(false);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SagaRecord>> GetUnfinishedAsync(string sagaName, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {Columns} FROM {_table} WHERE saga_name = @saga_name AND status IN (0, 1) ORDER BY updated_at, id",
            "@saga_name",
            sagaName,
            cancellationToken).ConfigureAwait(false);

    private const string Columns = "id, saga_name, status, step, data, version, error, updated_at";

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = _connectionFactory();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only the table name is interpolated, and it is validated as a plain identifier; values are parameters.")]
    private static async Task<int> ExecuteAsync(DbConnection connection, string sql, SagaRecord? record, CancellationToken cancellationToken, int expectedVersion = 0)
    {
        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        command.CommandText = sql;
        if (record is not null)
        {
            Add(command, "@id", record.Id);
            Add(command, "@saga_name", record.SagaName);
            Add(command, "@status", (int)record.Status);
            Add(command, "@step", record.Step);
            Add(command, "@data", record.Data);
            Add(command, "@error", record.Error);
            Add(command, "@updated_at", record.UpdatedAt.ToUnixTimeMilliseconds());
            if (sql.Contains("@expected", StringComparison.Ordinal))
            {
                Add(command, "@expected", expectedVersion);
            }
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only the table name is interpolated, and it is validated as a plain identifier; values are parameters.")]
    private async Task<IReadOnlyList<SagaRecord>> QueryAsync(string sql, string parameter, string value, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        command.CommandText = sql;
        Add(command, parameter, value);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var records = new List<SagaRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new SagaRecord
            {
                Id = reader.GetString(0),
                SagaName = reader.GetString(1),
                Status = (SagaStatus)Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                Step = Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                Data = reader.GetString(4),
                Version = Convert.ToInt32(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture),
                Error = reader.IsDBNull(6) ? null : reader.GetString(6),
                UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture)),
            });
        }

        return records;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        parameter.Direction = ParameterDirection.Input;
        command.Parameters.Add(parameter);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
