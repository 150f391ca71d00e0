using System.Globalization;
using ApiKit.Security.Authorization;
using ChatApi.Data;

namespace ChatApi.Auth;

/// <summary>
/// A room for the ownership rules: its creator owns it and moderates it (a room is scoped to itself), so its
/// owner may rename and delete it whatever their role says.
/// </summary>
internal sealed class RoomResource(RoomRecord room) : IOwnedResource, IRoomScopedResource
{
    public string? OwnerId { get; } = Format(room.CreatedBy);

    public string? RoomOwnerId => OwnerId;

    internal static string? Format(Guid? id) => id?.ToString("D", CultureInfo.InvariantCulture);
}

/// <summary>A message: owned by its author, moderated by the owner of its room.</summary>
internal sealed class MessageResource(MessageRecord message, Guid? roomOwnerId) : IOwnedResource, IRoomScopedResource
{
    public string? OwnerId { get; } = RoomResource.Format(message.AuthorId);

    public string? RoomOwnerId { get; } = RoomResource.Format(roomOwnerId);
}

/// <summary>A membership: the member owns it, the room's owner moderates it.</summary>
internal sealed class MembershipResource(Guid userId, Guid? roomOwnerId) : IOwnedResource, IRoomScopedResource
{
    public string? OwnerId { get; } = RoomResource.Format(userId);

    public string? RoomOwnerId { get; } = RoomResource.Format(roomOwnerId);
}
