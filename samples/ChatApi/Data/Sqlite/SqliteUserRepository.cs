using ChatApi.Infrastructure;
using Microsoft.Data.Sqlite;
using static ChatApi.Data.Sqlite.SqliteValues;

namespace ChatApi.Data.Sqlite;

/// <summary>
/// The ADO.NET implementation of <see cref="IUserRepository"/>; every value is a SQL parameter. Creating and updating a
/// user raise <see cref="UserCreated"/> and <see cref="UserUpdated"/> in the same transaction.
/// </summary>
internal sealed class SqliteUserRepository(SqliteConnectionFactory connections, IChatChangeOutbox outbox) : IUserRepository
{
    private const string Columns = "id, username, email, display_name, created_at, updated_at";

    public async Task<WriteResult> CreateAsync(UserRecord user, string? passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO users ({Columns}, password_hash) VALUES ($id, $username, $email, $displayName, $createdAt, $updatedAt, $passwordHash);";
        Bind(command, user);
        command.Parameters.AddWithValue("$passwordHash", Nullable(passwordHash));
        return await WriteAndPublishAsync(command, new UserCreated(user), cancellationToken);
    }

    public async Task<UserCredentials?> FindCredentialsAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, password_hash, role FROM users WHERE username = $username;";
        command.Parameters.AddWithValue("$username", username);
        return await command.ReadSingleAsync(r => new UserCredentials(Read(r), r.GetNullableString(6), r.GetString(7)), cancellationToken);
    }

    public async Task<string?> GetRoleAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT role FROM users WHERE id = $id;";
        command.Parameters.AddWithValue("$id", Text(id));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<bool> SetRoleAsync(Guid id, string role, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET role = $role WHERE id = $id;";
        command.Parameters.AddWithValue("$id", Text(id));
        command.Parameters.AddWithValue("$role", role);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task SetPasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET password_hash = $passwordHash WHERE id = $id;";
        command.Parameters.AddWithValue("$id", Text(id));
        command.Parameters.AddWithValue("$passwordHash", passwordHash);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<UserRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM users WHERE id = $id;";
        command.Parameters.AddWithValue("$id", Text(id));
        return await command.ReadSingleAsync(Read, cancellationToken);
    }

    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM users WHERE id = $id);";
        command.Parameters.AddWithValue("$id", Text(id));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    public async Task<Page<UserRecord>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM users
            WHERE (created_at, id) > ($afterTicks, $afterId)
            ORDER BY created_at, id
            LIMIT $limit;
            """;
        command.AddPage(page);
        var rows = await command.ReadAllAsync(Read, cancellationToken);
        return Page<UserRecord>.FromOverfetch(rows, page.First, u => new Cursor(u.CreatedAt.UtcTicks, u.Id));
    }

    public async Task<WriteResult> UpdateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE users SET username = $username, email = $email, display_name = $displayName, updated_at = $updatedAt
            WHERE id = $id;
            """;
        Bind(command, user);
        return await WriteAndPublishAsync(command, new UserUpdated(user), cancellationToken);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM users WHERE id = $id;";
        command.Parameters.AddWithValue("$id", Text(id));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<Page<UserRoomRecord>> ListRoomsAsync(Guid userId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT r.id, r.name, r.description, r.created_by, r.created_at, r.updated_at, m.joined_at
            FROM room_members m JOIN rooms r ON r.id = m.room_id
            WHERE m.user_id = $userId AND (m.joined_at, m.room_id) > ($afterTicks, $afterId)
            ORDER BY m.joined_at, m.room_id
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$userId", Text(userId));
        command.AddPage(page);
        var rows = await command.ReadAllAsync(
            r => new UserRoomRecord(SqliteRoomRepository.Read(r), r.GetInstant(6)),
            cancellationToken);
        return Page<UserRoomRecord>.FromOverfetch(rows, page.First, r => new Cursor(r.JoinedAt.UtcTicks, r.Room.Id));
    }

    private static void Bind(SqliteCommand command, UserRecord user)
    {
        command.Parameters.AddWithValue("$id", Text(user.Id));
        command.Parameters.AddWithValue("$username", user.Username);
        command.Parameters.AddWithValue("$email", user.Email);
        command.Parameters.AddWithValue("$displayName", Nullable(user.DisplayName));
        command.Parameters.AddWithValue("$createdAt", user.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$updatedAt", user.UpdatedAt.UtcTicks);
    }

    /// <summary>Runs the write and, when it changed the row, enqueues <paramref name="change"/> and commits; otherwise the transaction rolls back on disposal.</summary>
    private async Task<WriteResult> WriteAndPublishAsync(SqliteCommand command, ChatChange change, CancellationToken cancellationToken)
    {
        var transaction = command.Transaction!;
        try
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return WriteResult.NotFound;
            }
        }
        catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == UniqueViolation)
        {
            return WriteResult.Duplicate;
        }

        await outbox.EnqueueAsync(change, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Committed();
        return WriteResult.Success;
    }

    private static UserRecord Read(SqliteDataReader reader) => new(
        reader.GetId(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetNullableString(3),
        reader.GetInstant(4),
        reader.GetInstant(5));
}
