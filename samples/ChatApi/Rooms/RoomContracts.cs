using ChatApi.Data;
using ChatApi.Infrastructure;

namespace ChatApi.Rooms;

/// <summary>
/// The body of <c>POST /api/v1/rooms</c>. The authenticated user creates the room, owns it (moderates it) and
/// becomes its first member.
/// </summary>
internal sealed record CreateRoomRequest(string? Name, string? Description)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Text("name", Name, 1, RoomRules.MaxNameLength);
        errors.Text("description", Description, 0, RoomRules.MaxDescriptionLength, required: false);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>
/// The body of <c>PATCH /api/v1/rooms/{id}</c>: absent or null fields stay unchanged, and an empty
/// <c>description</c> clears the description.
/// </summary>
internal sealed record PatchRoomRequest(string? Name, string? Description)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Text("name", Name, 1, RoomRules.MaxNameLength, required: false);
        errors.Text("description", Description, 0, RoomRules.MaxDescriptionLength, required: false);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>A room as the API returns it. <see cref="CreatedBy"/> is null once its creator is deleted.</summary>
internal sealed record RoomResponse(Guid Id, string Name, string? Description, Guid? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static RoomResponse From(RoomRecord room) =>
        new(room.Id, room.Name, room.Description, room.CreatedBy, room.CreatedAt, room.UpdatedAt);
}

/// <summary>A member of a room as the API returns it.</summary>
internal sealed record MemberResponse(Guid UserId, string Username, string? DisplayName, DateTimeOffset JoinedAt)
{
    public static MemberResponse From(MemberRecord member) => new(member.UserId, member.Username, member.DisplayName, member.JoinedAt);
}

internal static class RoomRules
{
    public const int MaxNameLength = 80;

    public const int MaxDescriptionLength = 500;

    /// <summary>An empty description means "none".</summary>
    public static string? NormalizeDescription(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
