namespace ApiKit.Security.Authorization;

/// <summary>A resource inside a room, whose owner moderates it (a room is scoped to itself).</summary>
public interface IRoomScopedResource
{
    /// <summary>Gets the user id of the room's owner.</summary>
    string? RoomOwnerId { get; }
}
