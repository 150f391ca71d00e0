using System.ComponentModel.DataAnnotations;

namespace ApiKit.Security.Authorization;

/// <summary>
/// The permission matrix and the attribute rules. Binds from configuration with the same shape as the design
/// documents' table, for example <c>"Matrix": { "message": { "Admin": "CRUD", "User": "CRU", "Guest": "R" } }</c>.
/// </summary>
public sealed class PermissionAuthorizationOptions
{
    /// <summary>Gets the grid: resource → role → letters from <c>CRUD</c> (or <c>-</c>). When empty, <see cref="PermissionMatrixDefaults.Grid"/> applies.</summary>
    /// <value>Empty by default (the design documents' matrix).</value>
    public Dictionary<string, Dictionary<string, string>> Matrix { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets further permissions per role, beyond CRUD (for example <c>"User": ["room:join"]</c>).</summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, string[]> Grants { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the roles whose members may update or delete any resource they hold the permission for. When empty, <see cref="PermissionMatrixDefaults.OwnershipExemptRoles"/> apply.</summary>
    /// <value>Empty by default (Admin and Moderator).</value>
    public IList<string> OwnershipExemptRoles { get; } = [];

    /// <summary>Gets or sets how long after creation the author of an <see cref="ITimestampedResource"/> may still update or delete it; <see langword="null"/> for no limit. Exempt roles and room owners are not limited.</summary>
    /// <value><see langword="null"/> (no limit).</value>
    public TimeSpan? EditWindow { get; set; }

    /// <summary>Gets or sets the claim type carrying roles.</summary>
    /// <value><see cref="PermissionMatrixDefaults.RoleClaimType"/> (<c>roles</c>).</value>
    [Required]
    public string RoleClaimType { get; set; } = PermissionMatrixDefaults.RoleClaimType;

    /// <summary>Gets or sets the claim type carrying directly granted permissions.</summary>
    /// <value><see cref="PermissionMatrixDefaults.PermissionClaimType"/> (<c>permissions</c>).</value>
    [Required]
    public string PermissionClaimType { get; set; } = PermissionMatrixDefaults.PermissionClaimType;

    /// <summary>Gets or sets the claim type carrying the user id that ownership is compared with.</summary>
    /// <value><see cref="PermissionMatrixDefaults.SubjectClaimType"/> (<c>sub</c>).</value>
    [Required]
    public string SubjectClaimType { get; set; } = PermissionMatrixDefaults.SubjectClaimType;

    internal PermissionMatrix BuildMatrix() => Matrix.Count == 0 && Grants.Count == 0
        ? PermissionMatrix.Default
        : PermissionMatrix.FromGrid(Matrix.Count == 0 ? PermissionMatrixDefaults.Grid : Matrix, Grants);

    internal IReadOnlyList<string> EffectiveExemptRoles => OwnershipExemptRoles.Count == 0 ? PermissionMatrixDefaults.OwnershipExemptRoles : [.. OwnershipExemptRoles];
}
