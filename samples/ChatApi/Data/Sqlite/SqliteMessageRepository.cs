using ChatApi.Infrastructure;
using Microsoft.Data.Sqlite;
using static ChatApi.Data.Sqlite.SqliteValues;

namespace ChatApi.Data.Sqlite;

/// <summary>
/// The ADO.NET implementation of <see cref="IMessageRepository"/>; every value is a SQL parameter. Sending, editing and
/// deleting raise <see cref="MessageSent"/>, <see cref="MessageEdited"/> and <see cref="MessageDeleted"/> in the
/// transaction of the change.
/// </summary>
internal sealed class SqliteMessageRepository(SqliteConnectionFactory connections, IChatChangeOutbox outbox) : IMessageRepository
{
    private const string Columns = "id, room_id, author_id, content, created_at, edited_at, deleted_at";

    public async Task<bool> CreateIfMemberAsync(MessageRecord message, IReadOnlyList<AttachmentRecord> attachments, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;

            // One statement, so a member who leaves concurrently either posted before leaving or not at all.
            command.CommandText = $"""
                INSERT INTO messages ({Columns})
                SELECT $id, $roomId, $authorId, $content, $createdAt, NULL, NULL
                WHERE EXISTS (SELECT 1 FROM room_members WHERE room_id = $roomId AND user_id = $authorId);
                """;
            command.Parameters.AddWithValue("$id", Text(message.Id));
            command.Parameters.AddWithValue("$roomId", Text(message.RoomId));
            command.Parameters.AddWithValue("$authorId", Text(message.AuthorId));
            command.Parameters.AddWithValue("$content", Nullable(message.Content));
            command.Parameters.AddWithValue("$createdAt", message.CreatedAt.UtcTicks);
            if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        foreach (var attachment in attachments)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO message_attachments (id, message_id, file_name, content_type, size_bytes, url)
                VALUES ($id, $messageId, $fileName, $contentType, $size, $url);
                """;
            insert.Parameters.AddWithValue("$id", Text(attachment.Id));
            insert.Parameters.AddWithValue("$messageId", Text(attachment.MessageId));
            insert.Parameters.AddWithValue("$fileName", attachment.FileName);
            insert.Parameters.AddWithValue("$contentType", attachment.ContentType);
            insert.Parameters.AddWithValue("$size", attachment.Size);
            insert.Parameters.AddWithValue("$url", attachment.Url.AbsoluteUri);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await outbox.EnqueueAsync(new MessageSent(message), transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Committed();
        return true;
    }

    public async Task<MessageRecord?> GetAsync(Guid roomId, Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM messages WHERE id = $id AND room_id = $roomId;";
        command.Parameters.AddWithValue("$id", Text(messageId));
        command.Parameters.AddWithValue("$roomId", Text(roomId));
        return await command.ReadSingleAsync(Read, cancellationToken);
    }

    public async Task<Page<MessageRecord>> ListAsync(Guid roomId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM messages
            WHERE room_id = $roomId AND (created_at, id) > ($afterTicks, $afterId)
            ORDER BY created_at, id
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$roomId", Text(roomId));
        command.AddPage(page);
        var rows = await command.ReadAllAsync(Read, cancellationToken);
        return Page<MessageRecord>.FromOverfetch(rows, page.First, m => new Cursor(m.CreatedAt.UtcTicks, m.Id));
    }

    public async Task<bool> EditAsync(Guid roomId, Guid messageId, Guid authorId, string content, DateTimeOffset editedAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        MessageRecord? edited;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"""
                UPDATE messages SET content = $content, edited_at = $editedAt
                WHERE id = $id AND room_id = $roomId AND author_id = $authorId AND deleted_at IS NULL
                RETURNING {Columns};
                """;
            command.Parameters.AddWithValue("$id", Text(messageId));
            command.Parameters.AddWithValue("$roomId", Text(roomId));
            command.Parameters.AddWithValue("$authorId", Text(authorId));
            command.Parameters.AddWithValue("$content", content);
            command.Parameters.AddWithValue("$editedAt", editedAt.UtcTicks);
            edited = await command.ReadSingleAsync(Read, cancellationToken);
        }

        if (edited is null)
        {
            return false;
        }

        await outbox.EnqueueAsync(new MessageEdited(edited), transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Committed();
        return true;
    }

    public async Task<bool> DeleteAsync(Guid roomId, Guid messageId, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        MessageRecord? deleted;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"""
                UPDATE messages SET content = NULL, deleted_at = $deletedAt
                WHERE id = $id AND room_id = $roomId AND deleted_at IS NULL
                RETURNING {Columns};
                """;
            command.Parameters.AddWithValue("$id", Text(messageId));
            command.Parameters.AddWithValue("$roomId", Text(roomId));
            command.Parameters.AddWithValue("$deletedAt", deletedAt.UtcTicks);
            deleted = await command.ReadSingleAsync(Read, cancellationToken);
        }

        if (deleted is not null)
        {
            await outbox.EnqueueAsync(new MessageDeleted(deleted), transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            outbox.Committed();
            return true;
        }

        // Deleting a tombstone again succeeds without a change (it keeps its first deletion time) and without an event.
        await using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT EXISTS (SELECT 1 FROM messages WHERE id = $id AND room_id = $roomId);";
        exists.Parameters.AddWithValue("$id", Text(messageId));
        exists.Parameters.AddWithValue("$roomId", Text(roomId));
        return (long)(await exists.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    private static MessageRecord Read(SqliteDataReader reader) => new(
        reader.GetId(0),
        reader.GetId(1),
        reader.GetNullableId(2),
        reader.GetNullableString(3),
        reader.GetInstant(4),
        reader.GetNullableInstant(5),
        reader.GetNullableInstant(6));
}
