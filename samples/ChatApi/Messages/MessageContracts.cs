using ChatApi.Data;
using ChatApi.Infrastructure;

namespace ChatApi.Messages;

/// <summary>
/// The body of <c>POST /api/v1/rooms/{id}/messages</c>. The author is the authenticated user, who must be a
/// member of the room.
/// </summary>
internal sealed record SendMessageRequest(string? Content)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Text("content", Content, 1, MessageRules.MaxContentLength);
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
/// </summary>
internal sealed record MessageResponse(
    Guid Id,
    Guid RoomId,
    Guid? AuthorId,
    string? Content,
    bool IsDeleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt)
{
    public static MessageResponse From(MessageRecord message) => new(
        message.Id, message.RoomId, message.AuthorId, message.Content, message.IsDeleted, message.CreatedAt, message.EditedAt, message.DeletedAt);
}

internal static class MessageRules
{
    public const int MaxContentLength = 4000;
}
