using ChatApi.Infrastructure;

namespace ChatApi.Data;

/// <summary>Stores rooms and their members. Room names are unique, compared case-insensitively.</summary>
internal interface IRoomRepository
{
    /// <summary>Creates the room and makes its creator the first member, atomically.</summary>
    /// <returns><see cref="WriteResult.Duplicate"/> when the name is taken, <see cref="WriteResult.NotFound"/> when the creator does not exist.</returns>
    Task<WriteResult> CreateAsync(RoomRecord room, CancellationToken cancellationToken);

    Task<RoomRecord?> GetAsync(Guid id, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Lists rooms by (creation time, id).</summary>
    Task<Page<RoomRecord>> ListAsync(PageRequest page, CancellationToken cancellationToken);

    /// <summary>Overwrites name, description and update time.</summary>
    Task<WriteResult> UpdateAsync(RoomRecord room, CancellationToken cancellationToken);

    /// <summary>Deletes the room with its memberships and messages.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);

    /// <returns>
    /// <see cref="WriteResult.Duplicate"/> when the user already is a member, <see cref="WriteResult.NotFound"/> when the
    /// room or the user does not exist.
    /// </returns>
    Task<WriteResult> AddMemberAsync(Guid roomId, Guid userId, DateTimeOffset joinedAt, CancellationToken cancellationToken);

    Task<MemberRecord?> GetMemberAsync(Guid roomId, Guid userId, CancellationToken cancellationToken);

    /// <summary>Lists the members of a room by (join time, user id).</summary>
    Task<Page<MemberRecord>> ListMembersAsync(Guid roomId, PageRequest page, CancellationToken cancellationToken);

    /// <returns><see langword="false"/> when the user was not a member.</returns>
    Task<bool> RemoveMemberAsync(Guid roomId, Guid userId, CancellationToken cancellationToken);
}
