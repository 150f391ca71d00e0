using ApiKit.Security.Mfa;

namespace ChatApi.Data.Sqlite;

/// <summary>
/// <see cref="IBackupCodeStore"/> over the <c>user_backup_codes</c> table (hashes only). Redeeming is a <c>DELETE</c> of
/// one row, so two concurrent requests with the same code succeed at most once.
/// </summary>
internal sealed class SqliteBackupCodeStore(SqliteConnectionFactory connections) : IBackupCodeStore
{
    public async ValueTask<IReadOnlyList<string>> GetHashesAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT code_hash FROM user_backup_codes WHERE user_id = $userId;";
        command.Parameters.AddWithValue("$userId", userId);
        return await command.ReadAllAsync(r => r.GetString(0), cancellationToken);
    }

    public async ValueTask ReplaceAsync(string userId, IReadOnlyList<string> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM user_backup_codes WHERE user_id = $userId;";
            delete.Parameters.AddWithValue("$userId", userId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var hash in hashes)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO user_backup_codes (user_id, code_hash) VALUES ($userId, $hash);";
            insert.Parameters.AddWithValue("$userId", userId);
            insert.Parameters.AddWithValue("$hash", hash);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask<bool> TryRemoveAsync(string userId, string hash, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM user_backup_codes WHERE user_id = $userId AND code_hash = $hash;";
        command.Parameters.AddWithValue("$userId", userId);
        command.Parameters.AddWithValue("$hash", hash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
