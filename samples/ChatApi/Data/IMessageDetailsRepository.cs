namespace ChatApi.Data;

/// <summary>A reaction: one emoji by one user on one message, at most once per user and emoji.</summary>
internal sealed record ReactionRecord(Guid MessageId, Guid UserId, string Emoji, DateTimeOffset CreatedAt);

/// <summary>The metadata of a file attached to a message; the file itself lives at <see cref="Url"/>.</summary>
internal sealed record AttachmentRecord(Guid Id, Guid MessageId, string FileName, string ContentType, long Size, Uri Url);

/// <summary>What the messages API v2 shows next to a message.</summary>
internal sealed record MessageDetails(IReadOnlyList<ReactionRecord> Reactions, IReadOnlyList<AttachmentRecord> Attachments)
{
    public static readonly MessageDetails Empty = new([], []);
}

/// <summary>The outcome of adding a reaction.</summary>
internal enum ReactionWriteResult
{
    Added,
    AlreadyPresent,
    NotMember,
}

/// <summary>Reads the reactions and attachments of messages and stores reactions (messages API v2); attachments are stored with their message by <see cref="IMessageRepository"/>.</summary>
internal interface IMessageDetailsRepository
{
    /// <summary>Reads the reactions (oldest first) and attachments of each message; messages without any are absent.</summary>
    Task<IReadOnlyDictionary<Guid, MessageDetails>> GetAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken);

    /// <summary>Adds the reaction if the user is a member of the message's room at that instant.</summary>
    Task<ReactionWriteResult> AddReactionIfMemberAsync(Guid roomId, ReactionRecord reaction, CancellationToken cancellationToken);

    /// <summary>Removes a user's reaction.</summary>
    /// <returns><see langword="false"/> when there was no such reaction.</returns>
    Task<bool> RemoveReactionAsync(Guid messageId, Guid userId, string emoji, CancellationToken cancellationToken);
}
