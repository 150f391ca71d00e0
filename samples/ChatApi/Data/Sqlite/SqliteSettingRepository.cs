using Microsoft.Data.Sqlite;
using static ChatApi.Data.Sqlite.SqliteValues;

namespace ChatApi.Data.Sqlite;

/// <summary>The ADO.NET implementation of <see cref="ISettingRepository"/>; every value is a SQL parameter.</summary>
internal sealed class SqliteSettingRepository(SqliteConnectionFactory connections) : ISettingRepository
{
    private const string Columns = "key, value, created_at, updated_at";

    public async Task<WriteResult> CreateAsync(SettingRecord setting, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO settings ({Columns}) VALUES ($key, $value, $createdAt, $updatedAt);";
        Bind(command, setting);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return WriteResult.Success;
        }
        catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == PrimaryKeyViolation)
        {
            return WriteResult.Duplicate;
        }
    }

    public async Task<SettingRecord?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM settings WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return await command.ReadSingleAsync(Read, cancellationToken);
    }

    public async Task<IReadOnlyList<SettingRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM settings ORDER BY key;";
        return await command.ReadAllAsync(Read, cancellationToken);
    }

    public async Task<WriteResult> UpdateAsync(SettingRecord setting, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE settings SET value = $value, updated_at = $updatedAt WHERE key = $key;";
        Bind(command, setting);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? WriteResult.Success : WriteResult.NotFound;
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM settings WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static void Bind(SqliteCommand command, SettingRecord setting)
    {
        command.Parameters.AddWithValue("$key", setting.Key);
        command.Parameters.AddWithValue("$value", setting.Value);
        command.Parameters.AddWithValue("$createdAt", setting.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$updatedAt", setting.UpdatedAt.UtcTicks);
    }

    private static SettingRecord Read(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetInstant(2), reader.GetInstant(3));
}
