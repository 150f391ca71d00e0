using Microsoft.AspNetCore.Authorization;

namespace ApiKit.Security.Authorization;

/// <summary>Requires a permission (for example <c>[RequirePermission("message:create")]</c>); several attributes all apply.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method | AttributeTargets.Delegate, AllowMultiple = true, Inherited = true)]
public sealed class RequirePermissionAttribute : AuthorizeAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="permission">The permission, <c>{resource}:{action}</c>.</param>
    public RequirePermissionAttribute(string permission)
        : base(PermissionPolicyProvider.PolicyName(new PermissionRequirement(permission).Permission)) => Permission = permission;

    /// <summary>Gets the permission.</summary>
    public string Permission { get; }
}
