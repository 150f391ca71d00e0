using System.Security.Claims;
using ApiKit.Security.Authorization;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Resource-based permission checks through <see cref="IAuthorizationService"/>.</summary>
public static class AuthorizationServicePermissionExtensions
{
    /// <summary>
    /// Checks <paramref name="permission"/> against <paramref name="resource"/>: the matrix and claims for every
    /// action, plus ownership, exempt roles, room ownership and the edit window for updates and deletes.
    /// </summary>
    /// <param name="service">The authorization service.</param>
    /// <param name="user">The user.</param>
    /// <param name="resource">The resource (for example a message implementing <see cref="IOwnedResource"/>).</param>
    /// <param name="permission">The permission, <c>{resource}:{action}</c>.</param>
    /// <returns>The result.</returns>
    public static Task<AuthorizationResult> AuthorizePermissionAsync(this IAuthorizationService service, ClaimsPrincipal user, object? resource, string permission)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.AuthorizeAsync(user, resource, new PermissionRequirement(permission));
    }
}
