using ChatApi.Infrastructure;

namespace ChatApi.Data;

/// <summary>Stores users. Usernames are unique, compared case-insensitively.</summary>
internal interface IUserRepository
{
    /// <summary>Creates a user with an Argon2id PHC string (or none: the user cannot log in with a password).</summary>
    /// <returns><see cref="WriteResult.Duplicate"/> when the username is taken.</returns>
    Task<WriteResult> CreateAsync(UserRecord user, string? passwordHash, CancellationToken cancellationToken);

    /// <summary>Finds a user by username (case-insensitively) with their password hash, for login.</summary>
    Task<UserCredentials?> FindCredentialsAsync(string username, CancellationToken cancellationToken);

    /// <summary>Returns the user's role in the permission matrix, or <see langword="null"/> when there is no such user.</summary>
    Task<string?> GetRoleAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Sets the user's role; returns <see langword="false"/> when there is no such user.</summary>
    Task<bool> SetRoleAsync(Guid id, string role, CancellationToken cancellationToken);

    /// <summary>Replaces a user's password hash (a rehash after the hashing parameters changed).</summary>
    Task SetPasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken);

    Task<UserRecord?> GetAsync(Guid id, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Lists users by (creation time, id).</summary>
    Task<Page<UserRecord>> ListAsync(PageRequest page, CancellationToken cancellationToken);

    /// <summary>Overwrites username, e-mail, display name and update time.</summary>
    Task<WriteResult> UpdateAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>Deletes the user and their memberships; their rooms and messages stay, without an author.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Lists the rooms a user belongs to by (join time, room id).</summary>
    Task<Page<UserRoomRecord>> ListRoomsAsync(Guid userId, PageRequest page, CancellationToken cancellationToken);
}
