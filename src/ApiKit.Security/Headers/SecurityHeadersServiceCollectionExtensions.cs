using ApiKit.Security.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the security headers options.</summary>
public static class SecurityHeadersServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SecurityHeadersOptions"/> (validated on start) for <c>UseApiKitSecurityHeaders</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the default and named policies.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiKitSecurityHeaders(this IServiceCollection services, Action<SecurityHeadersOptions>? configure = null)
    {
        var options = AddCore(services);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    /// <summary>Registers the security headers options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section (for example <c>SecurityHeaders</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiKitSecurityHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services).Bind(configuration);
        return services;
    }

    private static OptionsBuilder<SecurityHeadersOptions> AddCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityHeadersOptions>, SecurityHeadersOptionsValidator>());
        return services.AddOptions<SecurityHeadersOptions>().ValidateOnStart();
    }
}
