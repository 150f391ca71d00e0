namespace ApiKit.Security.Authorization;

/// <summary>The defaults of <see cref="PermissionAuthorizationOptions"/>: the design documents' matrix and policy names.</summary>
public static class PermissionMatrixDefaults
{
    /// <summary>The prefix of the policy names the permission policy provider answers.</summary>
    public const string PolicyPrefix = "Permission:";

    /// <summary>The default role claim type: <c>roles</c>, as in the access token.</summary>
    public const string RoleClaimType = "roles";

    /// <summary>The default permission claim type: <c>permissions</c>, as in the access token.</summary>
    public const string PermissionClaimType = "permissions";

    /// <summary>The default subject claim type: <c>sub</c>, as in the access token.</summary>
    public const string SubjectClaimType = "sub";

    /// <summary>
    /// Gets the design documents' permission matrix:
    /// <code>
    /// Resource | Admin | Moderator | User | Guest
    /// Users    | CRUD  | R         | R    | -
    /// Rooms    | CRUD  | CRU       | CR   | R
    /// Messages | CRUD  | CRUD      | CRU  | R
    /// Settings | CRUD  | R         | R    | -
    /// </code>
    /// </summary>
    public static IReadOnlyDictionary<string, Dictionary<string, string>> Grid { get; } = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase)
    {
        ["user"] = new(StringComparer.OrdinalIgnoreCase) { ["Admin"] = "CRUD", ["Moderator"] = "R", ["User"] = "R", ["Guest"] = "-" },
        ["room"] = new(StringComparer.OrdinalIgnoreCase) { ["Admin"] = "CRUD", ["Moderator"] = "CRU", ["User"] = "CR", ["Guest"] = "R" },
        ["message"] = new(StringComparer.OrdinalIgnoreCase) { ["Admin"] = "CRUD", ["Moderator"] = "CRUD", ["User"] = "CRU", ["Guest"] = "R" },
        ["setting"] = new(StringComparer.OrdinalIgnoreCase) { ["Admin"] = "CRUD", ["Moderator"] = "R", ["User"] = "R", ["Guest"] = "-" },
    };

    /// <summary>Gets the roles that may update and delete any resource they hold the permission for: Admin and Moderator.</summary>
    public static IReadOnlyList<string> OwnershipExemptRoles { get; } = ["Admin", "Moderator"];
}
