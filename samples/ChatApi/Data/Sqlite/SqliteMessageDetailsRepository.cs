using Microsoft.Data.Sqlite;
using static ChatApi.Data.Sqlite.SqliteValues;

namespace ChatApi.Data.Sqlite;

/// <summary>The ADO.NET implementation of <see cref="IMessageDetailsRepository"/>; every value is a SQL parameter.</summary>
internal sealed class SqliteMessageDetailsRepository(SqliteConnectionFactory connections) : IMessageDetailsRepository
{
    public async Task<IReadOnlyDictionary<Guid, MessageDetails>> GetAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0)
        {
            return new Dictionary<Guid, MessageDetails>();
        }

        await using var connection = await connections.OpenAsync(cancellationToken);

        // A page holds at most 100 messages, well under SQLite's limit of bound parameters.
        var ids = string.Join(", ", messageIds.Select((_, i) => "$m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        List<ReactionRecord> reactions;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT message_id, user_id, emoji, created_at FROM message_reactions WHERE message_id IN ({ids}) ORDER BY message_id, created_at, emoji, user_id;";
            AddIds(command, messageIds);
            reactions = await command.ReadAllAsync(r => new ReactionRecord(r.GetId(0), r.GetId(1), r.GetString(2), r.GetInstant(3)), cancellationToken);
        }

        List<AttachmentRecord> attachments;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT id, message_id, file_name, content_type, size_bytes, url FROM message_attachments WHERE message_id IN ({ids}) ORDER BY message_id, rowid;";
            AddIds(command, messageIds);
            attachments = await command.ReadAllAsync(
                r => new AttachmentRecord(r.GetId(0), r.GetId(1), r.GetString(2), r.GetString(3), r.GetInt64(4), new Uri(r.GetString(5), UriKind.Absolute)),
                cancellationToken);
        }

        var reactionsByMessage = reactions.ToLookup(r => r.MessageId);
        var attachmentsByMessage = attachments.ToLookup(a => a.MessageId);
        return reactionsByMessage.Select(g => g.Key).Union(attachmentsByMessage.Select(g => g.Key))
            .ToDictionary(id => id, id => new MessageDetails([.. reactionsByMessage[id]], [.. attachmentsByMessage[id]]));
    }

    public async Task<ReactionWriteResult> AddReactionIfMemberAsync(Guid roomId, ReactionRecord reaction, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // One statement: a member who leaves concurrently either reacted before leaving or not at all. The
        // second SELECT tells a repeated reaction (idempotent) from a missing membership.
        command.CommandText = """
            INSERT OR IGNORE INTO message_reactions (message_id, user_id, emoji, created_at)
            SELECT $messageId, $userId, $emoji, $createdAt
            WHERE EXISTS (SELECT 1 FROM room_members WHERE room_id = $roomId AND user_id = $userId);
            SELECT changes(), EXISTS (SELECT 1 FROM room_members WHERE room_id = $roomId AND user_id = $userId);
            """;
        command.Parameters.AddWithValue("$roomId", Text(roomId));
        command.Parameters.AddWithValue("$messageId", Text(reaction.MessageId));
        command.Parameters.AddWithValue("$userId", Text(reaction.UserId));
        command.Parameters.AddWithValue("$emoji", reaction.Emoji);
        command.Parameters.AddWithValue("$createdAt", reaction.CreatedAt.UtcTicks);
        var (changes, member) = (await command.ReadAllAsync(r => (r.GetInt64(0), r.GetInt64(1) == 1), cancellationToken))[0];
        return changes == 1 ? ReactionWriteResult.Added : member ? ReactionWriteResult.AlreadyPresent : ReactionWriteResult.NotMember;
    }

    public async Task<bool> RemoveReactionAsync(Guid messageId, Guid userId, string emoji, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM message_reactions WHERE message_id = $messageId AND user_id = $userId AND emoji = $emoji;";
        command.Parameters.AddWithValue("$messageId", Text(messageId));
        command.Parameters.AddWithValue("$userId", Text(userId));
        command.Parameters.AddWithValue("$emoji", emoji);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static void AddIds(SqliteCommand command, IReadOnlyCollection<Guid> messageIds)
    {
        var i = 0;
        foreach (var id in messageIds)
        {
            command.Parameters.AddWithValue("$m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(id));
            i++;
        }
    }
}
