using System.Globalization;
using System.Text.Json;
using ApiKit.Webhooks;
using ChatApi.Data;
using ChatApi.Rooms;
using ChatApi.Users;

namespace ChatApi.Webhooks;

/// <summary>
/// The event types the ChatApi publishes and how a <see cref="ChatChange"/> becomes one. Each event's <c>data</c> is the
/// changed resource as the v1 API shows it (never a password hash, secret or token).
/// </summary>
internal static class ChatWebhookEvents
{
    public const string UserCreated = "user.created";
    public const string UserUpdated = "user.updated";
    public const string RoomCreated = "room.created";
    public const string MemberJoined = "member.joined";
    public const string MessageSent = "message.sent";
    public const string MessageEdited = "message.edited";
    public const string MessageDeleted = "message.deleted";

    public static IReadOnlyList<string> All { get; } = [UserCreated, UserUpdated, RoomCreated, MemberJoined, MessageSent, MessageEdited, MessageDeleted];

    /// <summary>
    /// The webhook event of a change. The ordering key is the changed resource (the room for memberships), so with
    /// <c>ApiKit:Webhooks:EnableOrdering</c> a message's sent, edited and deleted events reach each endpoint in order.
    /// </summary>
    public static WebhookEvent From(ChatChange change) => change switch
    {
        Data.UserCreated c => Create(UserCreated, UserResponse.From(c.User), c.User.Id),
        Data.UserUpdated c => Create(UserUpdated, UserResponse.From(c.User), c.User.Id),
        Data.RoomCreated c => Create(RoomCreated, RoomResponse.From(c.Room), c.Room.Id),
        Data.MemberJoined c => Create(MemberJoined, MemberEventData.From(c.Member), c.Member.RoomId),
        Data.MessageSent c => Create(MessageSent, MessageEventData.From(c.Message), c.Message.Id),
        Data.MessageEdited c => Create(MessageEdited, MessageEventData.From(c.Message), c.Message.Id),
        Data.MessageDeleted c => Create(MessageDeleted, MessageEventData.From(c.Message), c.Message.Id),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "No webhook event is defined for this change."),
    };

    // Web defaults (camelCase), like the API's own responses.
    private static WebhookEvent Create<T>(string type, T data, Guid orderingKey) =>
        new(type, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web))
        {
            OrderingKey = orderingKey.ToString("D", CultureInfo.InvariantCulture),
        };
}

/// <summary>The data of <c>member.joined</c>: the member as <c>GET /api/v1/rooms/{id}/members/{userId}</c> shows it, with its room.</summary>
internal sealed record MemberEventData(Guid RoomId, Guid UserId, string Username, string? DisplayName, DateTimeOffset JoinedAt)
{
    public static MemberEventData From(MemberRecord member) => new(member.RoomId, member.UserId, member.Username, member.DisplayName, member.JoinedAt);
}

/// <summary>The data of the <c>message.*</c> events: the message as the v1 API shows it (v2's reactions and attachments are not part of v1).</summary>
internal sealed record MessageEventData(
    Guid Id,
    Guid RoomId,
    Guid? AuthorId,
    string? Content,
    bool IsDeleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt)
{
    public static MessageEventData From(MessageRecord message) =>
        new(message.Id, message.RoomId, message.AuthorId, message.Content, message.IsDeleted, message.CreatedAt, message.EditedAt, message.DeletedAt);
}

/// <summary>Publishes each change through the ApiKit.Webhooks outbox, on the connection and transaction of the change.</summary>
/// <remarks>
/// The publisher wakes the dispatcher when it enqueues, which is before the commit: a dispatcher that looks then
/// finds nothing (the rows are not visible yet) and would otherwise wait for its next poll.
/// </remarks>
internal sealed class WebhookChatChangeOutbox(IWebhookPublisher publisher, IWebhookDispatcherSignal signal) : IChatChangeOutbox
{
    public Task EnqueueAsync(ChatChange change, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken) =>
        publisher.PublishAsync(ChatWebhookEvents.From(change), transaction, cancellationToken);

    public void Committed() => signal.Notify();
}
