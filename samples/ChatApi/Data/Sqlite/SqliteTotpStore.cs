using ApiKit.Security.Mfa;

namespace ChatApi.Data.Sqlite;

/// <summary>
/// <see cref="ITotpStore"/> over the <c>user_totp</c> table. The secret arrives already protected by Data Protection;
/// the last used step advances with one conditional <c>UPDATE</c>, so a code is accepted once even by concurrent requests.
/// </summary>
internal sealed class SqliteTotpStore(SqliteConnectionFactory connections) : ITotpStore
{
    public async ValueTask<TotpRecord?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT protected_secret, algorithm, digits, period_seconds, is_confirmed, last_used_step
            FROM user_totp WHERE user_id = $userId;
            """;
        command.Parameters.AddWithValue("$userId", userId);
        return await command.ReadSingleAsync(
            r => new TotpRecord(r.GetString(0), (TotpAlgorithm)r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt64(4) != 0, r.GetInt64(5)),
            cancellationToken);
    }

    public async ValueTask SaveAsync(string userId, TotpRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO user_totp (user_id, protected_secret, algorithm, digits, period_seconds, is_confirmed, last_used_step)
            VALUES ($userId, $secret, $algorithm, $digits, $period, $confirmed, $lastUsedStep)
            ON CONFLICT (user_id) DO UPDATE SET
                protected_secret = excluded.protected_secret, algorithm = excluded.algorithm, digits = excluded.digits,
                period_seconds = excluded.period_seconds, is_confirmed = excluded.is_confirmed, last_used_step = excluded.last_used_step;
            """;
        command.Parameters.AddWithValue("$userId", userId);
        command.Parameters.AddWithValue("$secret", record.ProtectedSecret);
        command.Parameters.AddWithValue("$algorithm", (int)record.Algorithm);
        command.Parameters.AddWithValue("$digits", record.Digits);
        command.Parameters.AddWithValue("$period", record.PeriodSeconds);
        command.Parameters.AddWithValue("$confirmed", record.IsConfirmed ? 1 : 0);
        command.Parameters.AddWithValue("$lastUsedStep", record.LastUsedStep);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<bool> TryAdvanceLastUsedStepAsync(string userId, long timeStep, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE user_totp SET last_used_step = $step WHERE user_id = $userId AND last_used_step < $step;";
        command.Parameters.AddWithValue("$userId", userId);
        command.Parameters.AddWithValue("$step", timeStep);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask DeleteAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM user_totp WHERE user_id = $userId;";
        command.Parameters.AddWithValue("$userId", userId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
