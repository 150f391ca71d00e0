using ApiKit.Security.Tokens;
using Microsoft.Data.Sqlite;
using static ChatApi.Data.Sqlite.SqliteValues;

namespace ChatApi.Data.Sqlite;

/// <summary>
/// <see cref="IRefreshTokenStore"/> over <c>refresh_tokens</c>: consuming is one conditional <c>UPDATE</c>, so two
/// concurrent uses of a token cannot both succeed; a revoked family is remembered so no token joins it later.
/// </summary>
internal sealed class SqliteRefreshTokenStore(SqliteConnectionFactory connections) : IRefreshTokenStore
{
    private const string Columns = "token_hash, family_id, subject, created_at, expires_at, family_expires_at, consumed_at, revoked_at";

    public async ValueTask<bool> AddAsync(RefreshTokenRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO refresh_tokens ({Columns})
            SELECT $tokenHash, $familyId, $subject, $createdAt, $expiresAt, $familyExpiresAt, $consumedAt, $revokedAt
            WHERE NOT EXISTS (SELECT 1 FROM refresh_token_revoked_families WHERE family_id = $familyId)
            ON CONFLICT (token_hash) DO NOTHING;
            """;
        command.Parameters.AddWithValue("$tokenHash", record.TokenHash);
        command.Parameters.AddWithValue("$familyId", record.FamilyId);
        command.Parameters.AddWithValue("$subject", record.Subject);
        command.Parameters.AddWithValue("$createdAt", record.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$expiresAt", record.ExpiresAt.UtcTicks);
        command.Parameters.AddWithValue("$familyExpiresAt", record.FamilyExpiresAt.UtcTicks);
        command.Parameters.AddWithValue("$consumedAt", Ticks(record.ConsumedAt));
        command.Parameters.AddWithValue("$revokedAt", Ticks(record.RevokedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<RefreshTokenRecord?> FindAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM refresh_tokens WHERE token_hash = $tokenHash;";
        command.Parameters.AddWithValue("$tokenHash", tokenHash);
        return await command.ReadSingleAsync(Read, cancellationToken);
    }

    public async ValueTask<bool> TryConsumeAsync(string tokenHash, DateTimeOffset consumedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE refresh_tokens SET consumed_at = $consumedAt WHERE token_hash = $tokenHash AND consumed_at IS NULL AND revoked_at IS NULL;";
        command.Parameters.AddWithValue("$tokenHash", tokenHash);
        command.Parameters.AddWithValue("$consumedAt", consumedAt.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<int> RevokeFamilyAsync(string familyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var remember = connection.CreateCommand();
        remember.CommandText = "INSERT INTO refresh_token_revoked_families (family_id, revoked_at) VALUES ($familyId, $revokedAt) ON CONFLICT (family_id) DO NOTHING;";
        remember.Parameters.AddWithValue("$familyId", familyId);
        remember.Parameters.AddWithValue("$revokedAt", revokedAt.UtcTicks);
        await remember.ExecuteNonQueryAsync(cancellationToken);

        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE refresh_tokens SET revoked_at = $revokedAt WHERE family_id = $familyId AND revoked_at IS NULL;";
        update.Parameters.AddWithValue("$familyId", familyId);
        update.Parameters.AddWithValue("$revokedAt", revokedAt.UtcTicks);
        return await update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<int> RevokeSubjectAsync(string subject, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO refresh_token_revoked_families (family_id, revoked_at)
            SELECT DISTINCT family_id, $revokedAt FROM refresh_tokens WHERE subject = $subject
            ON CONFLICT (family_id) DO NOTHING;
            """;
        command.Parameters.AddWithValue("$subject", subject);
        command.Parameters.AddWithValue("$revokedAt", revokedAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);

        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE refresh_tokens SET revoked_at = $revokedAt WHERE subject = $subject AND revoked_at IS NULL;";
        update.Parameters.AddWithValue("$subject", subject);
        update.Parameters.AddWithValue("$revokedAt", revokedAt.UtcTicks);
        return await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static RefreshTokenRecord Read(SqliteDataReader reader) => new()
    {
        TokenHash = reader.GetString(0),
        FamilyId = reader.GetString(1),
        Subject = reader.GetString(2),
        CreatedAt = reader.GetInstant(3),
        ExpiresAt = reader.GetInstant(4),
        FamilyExpiresAt = reader.GetInstant(5),
        ConsumedAt = reader.GetNullableInstant(6),
        RevokedAt = reader.GetNullableInstant(7),
    };
}
