using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Authorization;

/// <summary>Evaluates <see cref="PermissionRequirement"/> (RBAC through the matrix and claims, ABAC through the resource) and <see cref="TimeWindowRequirement"/>.</summary>
internal sealed class PermissionAuthorizationHandler : IAuthorizationHandler
{
    private readonly PermissionMatrix _matrix;
    private readonly PermissionAuthorizationOptions _options;
    private readonly IReadOnlyList<string> _exemptRoles;
    private readonly TimeProvider _timeProvider;

    public PermissionAuthorizationHandler(PermissionMatrix matrix, IOptions<PermissionAuthorizationOptions> options, TimeProvider timeProvider)
    {
        _matrix = matrix;
        _options = options.Value;
        _exemptRoles = _options.EffectiveExemptRoles;
        _timeProvider = timeProvider;
    }

    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            var satisfied = requirement switch
            {
                PermissionRequirement p => IsAllowed(context.User, p, context.Resource),
                TimeWindowRequirement t => t.Contains(TimeOnly.FromDateTime(_timeProvider.GetUtcNow().UtcDateTime)),
                _ => false,
            };

            if (satisfied)
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }

    internal bool HasPermission(ClaimsPrincipal user, string permission)
    {
        foreach (var claim in user.Claims)
        {
            if ((claim.Type == _options.PermissionClaimType && string.Equals(claim.Value, permission, StringComparison.Ordinal))
                || (IsRoleClaim(claim) && _matrix.Grants(claim.Value, permission)))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsAllowed(ClaimsPrincipal user, PermissionRequirement requirement, object? resource)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return false;
        }

        var holds = HasPermission(user, requirement.Permission);
        var owned = resource as IOwnedResource;
        var scoped = resource as IRoomScopedResource;
        if ((owned is null && scoped is null) || requirement.Action is not ("update" or "delete"))
        {
            return holds;
        }

        var subject = user.FindFirst(_options.SubjectClaimType)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (subject is null)
        {
            return false;
        }

        // Room owners moderate their room, whatever the matrix says about their role.
        if (scoped is not null && string.Equals(scoped.RoomOwnerId, subject, StringComparison.Ordinal))
        {
            return true;
        }

        if (!holds)
        {
            return false;
        }

        if (_exemptRoles.Any(role => user.Claims.Any(c => IsRoleClaim(c) && string.Equals(c.Value, role, StringComparison.OrdinalIgnoreCase))))
        {
            return true;
        }

        if (owned is null || !string.Equals(owned.OwnerId, subject, StringComparison.Ordinal))
        {
            return false;
        }

        // Time-based rule: authors may change their own resource only within the edit window.
        return _options.EditWindow is not { } window
            || resource is not ITimestampedResource timestamped
            || _timeProvider.GetUtcNow() < timestamped.CreatedAt + window;
    }

    private bool IsRoleClaim(Claim claim) => claim.Type == _options.RoleClaimType || claim.Type == ClaimTypes.Role;
}
