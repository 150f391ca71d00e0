using ChatApi.Infrastructure;

namespace ChatApi.Data;

/// <summary>Stores the messages of rooms.</summary>
internal interface IMessageRepository
{
    /// <summary>
    /// Stores the message and its attachments (messages API v2) in one transaction, only if its author is a member of
    /// the room at that instant.
    /// </summary>
    /// <returns><see langword="false"/> when the author is not a member (or the room is gone); nothing is stored then.</returns>
    Task<bool> CreateIfMemberAsync(MessageRecord message, IReadOnlyList<AttachmentRecord> attachments, CancellationToken cancellationToken);

    Task<MessageRecord?> GetAsync(Guid roomId, Guid messageId, CancellationToken cancellationToken);

    /// <summary>Lists a room's messages, tombstones included, oldest first by (creation time, id).</summary>
    Task<Page<MessageRecord>> ListAsync(Guid roomId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Replaces the content of a message that is not deleted and belongs to <paramref name="authorId"/>.</summary>
    /// <returns><see langword="false"/> when no such message exists (any more).</returns>
    Task<bool> EditAsync(Guid roomId, Guid messageId, Guid authorId, string content, DateTimeOffset editedAt, CancellationToken cancellationToken);

    /// <summary>Turns a message into a tombstone.</summary>
    /// <returns><see langword="false"/> when the message does not exist; deleting a tombstone again succeeds.</returns>
    Task<bool> DeleteAsync(Guid roomId, Guid messageId, DateTimeOffset deletedAt, CancellationToken cancellationToken);
}
