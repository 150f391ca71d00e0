using ChatApi.Data;
using ChatApi.Infrastructure;

namespace ChatApi.Messages;

/// <summary>
/// The body of <c>POST /api/v2/rooms/{id}/messages</c>. The author is the authenticated user, who must be a
/// member of the room. <see cref="Attachments"/> is new in v2 (metadata only); v1 bodies never carry it.
/// </summary>
internal sealed record SendMessageRequest(string? Content, IReadOnlyList<AttachmentRequest?>? Attachments = null)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Text("content", Content, 1, MessageRules.MaxContentLength);
        MessageV2Rules.Attachments(errors, Attachments);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>
/// The body of <c>PATCH /api/v1/rooms/{id}/messages/{messageId}</c>: the new content. Only the author (the
/// authenticated user) may edit.
/// </summary>
internal sealed record EditMessageRequest(string? Content)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Text("content", Content, 1, MessageRules.MaxContentLength);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>
/// A message as the API returns it. A deleted message stays in lists as a tombstone: <see cref="Content"/>
/// is null, <see cref="IsDeleted"/> is true. <see cref="AuthorId"/> is null once the author is deleted.
/// <see cref="Reactions"/> and <see cref="Attachments"/> are new in v2; v1 responses lose them through
/// <see cref="Versioning.ReactionsAndAttachmentsChange"/>.
/// </summary>
internal sealed record MessageResponse(
    Guid Id,
    Guid RoomId,
    Guid? AuthorId,
    string? Content,
    bool IsDeleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt,
    IReadOnlyList<ReactionResponse> Reactions,
    IReadOnlyList<AttachmentResponse> Attachments)
{
    public static MessageResponse From(MessageRecord message, MessageDetails details) => new(
        message.Id,
        message.RoomId,
        message.AuthorId,
        message.Content,
        message.IsDeleted,
        message.CreatedAt,
        message.EditedAt,
        message.DeletedAt,
        ReactionResponse.From(details.Reactions),
        [.. details.Attachments.Select(AttachmentResponse.From)]);
}

internal static class MessageRules
{
    public const int MaxContentLength = 4000;
}
