using ApiKit.Security.Authorization;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Requires permissions on endpoints.</summary>
public static class PermissionEndpointConventionBuilderExtensions
{
    /// <summary>Requires every one of <paramref name="permissions"/> (for example <c>.RequirePermission("message:create")</c>).</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint builder.</param>
    /// <param name="permissions">The permissions, <c>{resource}:{action}</c>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, params string[] permissions)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(permissions);
        if (permissions.Length == 0)
        {
            throw new ArgumentException("Name at least one permission.", nameof(permissions));
        }

        return builder.RequireAuthorization([.. permissions.Select(p => new RequirePermissionAttribute(p))]);
    }
}
