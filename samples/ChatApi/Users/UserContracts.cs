using ChatApi.Data;
using ChatApi.Infrastructure;

namespace ChatApi.Users;

/// <summary>The body of <c>POST /api/v1/users</c> and <c>PUT /api/v1/users/{id}</c> (a full replacement).</summary>
internal sealed record UserRequest(string? Username, string? Email, string? DisplayName)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Username("username", Username);
        errors.Email("email", Email);
        errors.Text("displayName", DisplayName, 0, UserRules.MaxDisplayNameLength, required: false);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>
/// The body of <c>PATCH /api/v1/users/{id}</c>: absent or null fields stay unchanged, and an empty
/// <c>displayName</c> clears the display name.
/// </summary>
internal sealed record PatchUserRequest(string? Username, string? Email, string? DisplayName)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Username("username", Username, required: false);
        errors.Email("email", Email, required: false);
        errors.Text("displayName", DisplayName, 0, UserRules.MaxDisplayNameLength, required: false);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>A user as the API returns it.</summary>
internal sealed record UserResponse(Guid Id, string Username, string Email, string? DisplayName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static UserResponse From(UserRecord user) =>
        new(user.Id, user.Username, user.Email, user.DisplayName, user.CreatedAt, user.UpdatedAt);
}

/// <summary>The body of <c>PUT /api/v1/users/{id}/role</c>.</summary>
internal sealed record UserRoleRequest(string? Role);

/// <summary>A user's role.</summary>
internal sealed record UserRoleResponse(Guid Id, string Role);

internal static class UserRules
{
    public const int MaxDisplayNameLength = 64;

    /// <summary>An empty display name means "none".</summary>
    public static string? NormalizeDisplayName(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
