using ApiKit.Security.ApiKeys;
using Microsoft.Data.Sqlite;
using static ChatApi.Data.Sqlite.SqliteValues;

namespace ChatApi.Data.Sqlite;

/// <summary><see cref="IApiKeyStore"/> over the <c>api_keys</c> table: SHA-256 of each key, never the key.</summary>
internal sealed class SqliteApiKeyStore(SqliteConnectionFactory connections) : IApiKeyStore
{
    private const string Columns = "key_id, key_hash, owner_id, scopes, name, created_at, expires_at, revoked_at";

    public async ValueTask<ApiKeyRecord?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys WHERE key_id = $keyId;";
        command.Parameters.AddWithValue("$keyId", keyId);
        return await command.ReadSingleAsync(Read, cancellationToken);
    }

    public async ValueTask AddAsync(ApiKeyRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO api_keys ({Columns}) VALUES ($keyId, $keyHash, $ownerId, $scopes, $name, $createdAt, $expiresAt, $revokedAt);";
        Bind(command, record);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask UpdateAsync(ApiKeyRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE api_keys SET key_hash = $keyHash, owner_id = $ownerId, scopes = $scopes, name = $name,
                created_at = $createdAt, expires_at = $expiresAt, revoked_at = $revokedAt
            WHERE key_id = $keyId;
            """;
        Bind(command, record);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<ApiKeyRecord>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys WHERE owner_id = $ownerId ORDER BY created_at, key_id;";
        command.Parameters.AddWithValue("$ownerId", ownerId);
        return await command.ReadAllAsync(Read, cancellationToken);
    }

    private static void Bind(SqliteCommand command, ApiKeyRecord record)
    {
        command.Parameters.AddWithValue("$keyId", record.KeyId);
        command.Parameters.AddWithValue("$keyHash", record.KeyHash);
        command.Parameters.AddWithValue("$ownerId", record.OwnerId);

        // Scopes are short tokens without spaces (OAuth style), so one space-separated column keeps them.
        command.Parameters.AddWithValue("$scopes", string.Join(' ', record.Scopes));
        command.Parameters.AddWithValue("$name", Nullable(record.Name));
        command.Parameters.AddWithValue("$createdAt", record.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$expiresAt", Ticks(record.ExpiresAt));
        command.Parameters.AddWithValue("$revokedAt", Ticks(record.RevokedAt));
    }

    private static ApiKeyRecord Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        (byte[])reader.GetValue(1),
        reader.GetString(2),
        reader.GetString(3).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        reader.GetNullableString(4),
        reader.GetInstant(5),
        reader.GetNullableInstant(6),
        reader.GetNullableInstant(7));
}
