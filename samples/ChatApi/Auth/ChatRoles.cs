namespace ChatApi.Auth;

/// <summary>The roles of the permission matrix (a user has exactly one) and the ChatApi's own permission.</summary>
internal static class ChatRoles
{
    public const string Admin = "Admin";

    public const string Moderator = "Moderator";

    public const string User = "User";

    public const string Guest = "Guest";

    /// <summary>Joining a room: not a cell of the matrix (a membership is neither a room nor a message), granted to every role but Guest.</summary>
    public const string RoomJoinPermission = "room:join";

    public static IReadOnlyList<string> All { get; } = [Admin, Moderator, User, Guest];

    /// <summary>Returns the canonical spelling of <paramref name="role"/>, or <see langword="null"/> when it is not a role.</summary>
    public static string? Normalize(string? role) => All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
}
