namespace ChatApi.Data;

/// <summary>A stored user.</summary>
internal sealed record UserRecord(Guid Id, string Username, string Email, string? DisplayName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A user with the Argon2id PHC string of their password (<see langword="null"/>: no password set) and their role.</summary>
internal sealed record UserCredentials(UserRecord User, string? PasswordHash, string Role);

/// <summary>A stored room. <see cref="CreatedBy"/> is <see langword="null"/> once its creator is deleted.</summary>
internal sealed record RoomRecord(Guid Id, string Name, string? Description, Guid? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A room as listed for one of its members, with the instant the member joined (the list's sort key).</summary>
internal sealed record UserRoomRecord(RoomRecord Room, DateTimeOffset JoinedAt);

/// <summary>A member of a room.</summary>
internal sealed record MemberRecord(Guid RoomId, Guid UserId, string Username, string? DisplayName, DateTimeOffset JoinedAt);

/// <summary>
/// A stored message. A deleted message keeps its place as a tombstone: <see cref="Content"/> is
/// <see langword="null"/> and <see cref="DeletedAt"/> is set.
/// </summary>
internal sealed record MessageRecord(
    Guid Id,
    Guid RoomId,
    Guid? AuthorId,
    string? Content,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt)
{
    public bool IsDeleted => DeletedAt is not null;
}

/// <summary>The outcome of a write that can collide with a unique name.</summary>
internal enum WriteResult
{
    Success,
    NotFound,
    Duplicate,
}

internal sealed record SettingRecord(string Key, string Value, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
