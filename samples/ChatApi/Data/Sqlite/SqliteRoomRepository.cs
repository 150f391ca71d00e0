using ChatApi.Infrastructure;
using Microsoft.Data.Sqlite;
using static ChatApi.Data.Sqlite.SqliteValues;

namespace ChatApi.Data.Sqlite;

/// <summary>
/// The ADO.NET implementation of <see cref="IRoomRepository"/>; every value is a SQL parameter. Creating a room raises
/// <see cref="RoomCreated"/> (and <see cref="MemberJoined"/> for its creator), joining one <see cref="MemberJoined"/>,
/// each in the transaction of the change.
/// </summary>
internal sealed class SqliteRoomRepository(SqliteConnectionFactory connections, IChatChangeOutbox outbox) : IRoomRepository
{
    private const string Columns = "id, name, description, created_by, created_at, updated_at";

    private const string MemberQuery = """
        SELECT m.room_id, m.user_id, u.username, u.display_name, m.joined_at
        FROM room_members m JOIN users u ON u.id = m.user_id
        WHERE m.room_id = $roomId AND m.user_id = $userId;
        """;

    public async Task<WriteResult> CreateAsync(RoomRecord room, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO rooms ({Columns}) VALUES ($id, $name, $description, $createdBy, $createdAt, $updatedAt);";
            Bind(insert, room);
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == UniqueViolation)
            {
                return WriteResult.Duplicate;
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == ForeignKeyViolation)
            {
                // The creator was deleted after the endpoint checked them.
                return WriteResult.NotFound;
            }
        }

        await outbox.EnqueueAsync(new RoomCreated(room), transaction, cancellationToken);
        if (room.CreatedBy is { } creator)
        {
            await using (var join = connection.CreateCommand())
            {
                join.Transaction = transaction;
                join.CommandText = "INSERT INTO room_members (room_id, user_id, joined_at) VALUES ($roomId, $userId, $joinedAt);";
                join.Parameters.AddWithValue("$roomId", Text(room.Id));
                join.Parameters.AddWithValue("$userId", Text(creator));
                join.Parameters.AddWithValue("$joinedAt", room.CreatedAt.UtcTicks);
                await join.ExecuteNonQueryAsync(cancellationToken);
            }

            // The creator is the room's first member: subscribers that track membership from events see them join.
            var member = await ReadMemberAsync(connection, transaction, room.Id, creator, cancellationToken);
            await outbox.EnqueueAsync(new MemberJoined(member!), transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        outbox.Committed();
        return WriteResult.Success;
    }

    public async Task<RoomRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM rooms WHERE id = $id;";
        command.Parameters.AddWithValue("$id", Text(id));
        return await command.ReadSingleAsync(Read, cancellationToken);
    }

    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM rooms WHERE id = $id);";
        command.Parameters.AddWithValue("$id", Text(id));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    public async Task<Page<RoomRecord>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM rooms
            WHERE (created_at, id) > ($afterTicks, $afterId)
            ORDER BY created_at, id
            LIMIT $limit;
            """;
        command.AddPage(page);
        var rows = await command.ReadAllAsync(Read, cancellationToken);
        return Page<RoomRecord>.FromOverfetch(rows, page.First, r => new Cursor(r.CreatedAt.UtcTicks, r.Id));
    }

    public async Task<WriteResult> UpdateAsync(RoomRecord room, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE rooms SET name = $name, description = $description, updated_at = $updatedAt WHERE id = $id;";
        Bind(command, room);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? WriteResult.Success : WriteResult.NotFound;
        }
        catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == UniqueViolation)
        {
            return WriteResult.Duplicate;
        }
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM rooms WHERE id = $id;";
        command.Parameters.AddWithValue("$id", Text(id));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<WriteResult> AddMemberAsync(Guid roomId, Guid userId, DateTimeOffset joinedAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO room_members (room_id, user_id, joined_at) VALUES ($roomId, $userId, $joinedAt);";
            command.Parameters.AddWithValue("$roomId", Text(roomId));
            command.Parameters.AddWithValue("$userId", Text(userId));
            command.Parameters.AddWithValue("$joinedAt", joinedAt.UtcTicks);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == PrimaryKeyViolation)
            {
                return WriteResult.Duplicate;
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == ForeignKeyViolation)
            {
                return WriteResult.NotFound;
            }
        }

        var member = await ReadMemberAsync(connection, transaction, roomId, userId, cancellationToken);
        await outbox.EnqueueAsync(new MemberJoined(member!), transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Committed();
        return WriteResult.Success;
    }

    public async Task<MemberRecord?> GetMemberAsync(Guid roomId, Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await ReadMemberAsync(connection, null, roomId, userId, cancellationToken);
    }

    public async Task<Page<MemberRecord>> ListMembersAsync(Guid roomId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.room_id, m.user_id, u.username, u.display_name, m.joined_at
            FROM room_members m JOIN users u ON u.id = m.user_id
            WHERE m.room_id = $roomId AND (m.joined_at, m.user_id) > ($afterTicks, $afterId)
            ORDER BY m.joined_at, m.user_id
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$roomId", Text(roomId));
        command.AddPage(page);
        var rows = await command.ReadAllAsync(ReadMember, cancellationToken);
        return Page<MemberRecord>.FromOverfetch(rows, page.First, m => new Cursor(m.JoinedAt.UtcTicks, m.UserId));
    }

    public async Task<bool> RemoveMemberAsync(Guid roomId, Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM room_members WHERE room_id = $roomId AND user_id = $userId;";
        command.Parameters.AddWithValue("$roomId", Text(roomId));
        command.Parameters.AddWithValue("$userId", Text(userId));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    internal static RoomRecord Read(SqliteDataReader reader) => new(
        reader.GetId(0),
        reader.GetString(1),
        reader.GetNullableString(2),
        reader.GetNullableId(3),
        reader.GetInstant(4),
        reader.GetInstant(5));

    private static async Task<MemberRecord?> ReadMemberAsync(SqliteConnection connection, SqliteTransaction? transaction, Guid roomId, Guid userId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = MemberQuery;
        command.Parameters.AddWithValue("$roomId", Text(roomId));
        command.Parameters.AddWithValue("$userId", Text(userId));
        return await command.ReadSingleAsync(ReadMember, cancellationToken);
    }

    private static MemberRecord ReadMember(SqliteDataReader reader) => new(
        reader.GetId(0),
        reader.GetId(1),
        reader.GetString(2),
        reader.GetNullableString(3),
        reader.GetInstant(4));

    private static void Bind(SqliteCommand command, RoomRecord room)
    {
        command.Parameters.AddWithValue("$id", Text(room.Id));
        command.Parameters.AddWithValue("$name", room.Name);
        command.Parameters.AddWithValue("$description", Nullable(room.Description));
        command.Parameters.AddWithValue("$createdBy", Text(room.CreatedBy));
        command.Parameters.AddWithValue("$createdAt", room.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$updatedAt", room.UpdatedAt.UtcTicks);
    }
}
