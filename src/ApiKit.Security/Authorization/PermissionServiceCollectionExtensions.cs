using ApiKit.Security.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers permission-based authorization (RBAC matrix plus resource and time rules).</summary>
public static class PermissionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the permission matrix, the policy provider that turns <c>RequirePermission</c> into policies, and the
    /// handler that evaluates permissions with or without a resource.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options; the design documents' matrix applies when none is given.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiKitPermissions(this IServiceCollection services, Action<PermissionAuthorizationOptions>? configure = null)
    {
        var options = AddCore(services);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    /// <summary>Registers permission-based authorization with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section (for example <c>Authorization</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiKitPermissions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services).Bind(configuration);
        return services;
    }

    private static OptionsBuilder<PermissionAuthorizationOptions> AddCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAuthorization();
        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll<IAuthorizationPolicyProvider>();
        services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<PermissionAuthorizationOptions>>().Value.BuildMatrix());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, PermissionAuthorizationHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PermissionAuthorizationOptions>, PermissionAuthorizationOptionsValidator>());
        return services.AddOptions<PermissionAuthorizationOptions>().ValidateDataAnnotations().ValidateOnStart();
    }
}
