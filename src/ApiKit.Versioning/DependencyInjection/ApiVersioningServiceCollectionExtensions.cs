using ApiKit.Versioning;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers API versioning.</summary>
public static class ApiVersioningServiceCollectionExtensions
{
    /// <summary>
    /// Adds API versioning: the readers, the version matcher policy for minimal APIs and controllers, the version
    /// headers, per-version deprecation and sunset, and usage metrics. The path-prefix rule of the URL segment reader
    /// is put in front of routing automatically.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The options builder, to bind configuration or add validation.</returns>
    public static OptionsBuilder<ApiVersioningOptions> AddApiVersioning(this IServiceCollection services, Action<ApiVersioningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<ApiVersioningOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(ApiVersionModelCatalog)))
        {
            return builder;
        }

        services.AddRouting();
        services.AddProblemDetails();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiVersioningOptions>, ApiVersioningOptionsValidator>());
        services.AddSingleton<ApiVersionModelCatalog>();
        services.AddSingleton<ApiVersionResponseStamper>();
        services.AddSingleton<ApiVersioningMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ApiVersionMatcherPolicy>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, UrlSegmentStartupFilter>());
        return builder;
    }

    /// <summary>Adds API versioning with options bound from <paramref name="configuration"/> (for example the <c>ApiVersioning</c> section).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<ApiVersioningOptions> AddApiVersioning(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddApiVersioning().Bind(configuration);
    }
}
