using Microsoft.AspNetCore.Authorization;

namespace ApiKit.Security.Authorization;

/// <summary>
/// Requires a permission such as <c>message:update</c>. Without a resource only the matrix and the permission claims
/// decide; with an <see cref="IOwnedResource"/> or <see cref="IRoomScopedResource"/>, updates and deletes also need
/// ownership, an exempt role, or ownership of the enclosing room.
/// </summary>
public sealed class PermissionRequirement : IAuthorizationRequirement
{
    /// <summary>Creates the requirement.</summary>
    /// <param name="permission">The permission, <c>{resource}:{action}</c>.</param>
    public PermissionRequirement(string permission)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(permission);
        var colon = permission.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == permission.Length - 1)
        {
            throw new ArgumentException($"'{permission}' is not of the form resource:action.", nameof(permission));
        }

        Permission = permission;
        Action = permission[(colon + 1)..];
    }

    /// <summary>Gets the permission.</summary>
    public string Permission { get; }

    /// <summary>Gets the action part of the permission (after the colon).</summary>
    public string Action { get; }

    /// <inheritdoc />
    public override string ToString() => "Permission " + Permission;
}
