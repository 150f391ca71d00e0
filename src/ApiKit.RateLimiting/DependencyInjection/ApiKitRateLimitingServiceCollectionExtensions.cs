using ApiKit.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ApiKit rate limiting into the ASP.NET Core rate limiter (<c>AddRateLimiter</c>/<c>UseRateLimiter</c>).</summary>
public static class ApiKitRateLimitingServiceCollectionExtensions
{
    /// <summary>
    /// Adds ApiKit rate limiting configured in code. Call <c>app.UseRateLimiter()</c>, and choose policies per endpoint
    /// with <c>[EnableRateLimiting("name")]</c> or <c>RequireRateLimiting("name")</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder for backends.</returns>
    public static ApiKitRateLimitingBuilder AddApiKitRateLimiting(this IServiceCollection services, Action<ApiKitRateLimitingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ApiKitRateLimitingOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    /// <summary>
    /// Adds ApiKit rate limiting bound to <paramref name="configuration"/> (for example the
    /// <see cref="ApiKitRateLimitingDefaults.SectionName"/> section); changes to it apply at run time.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <param name="configure">Configures the options further in code (custom partitions, code policies).</param>
    /// <returns>A builder for backends.</returns>
    public static ApiKitRateLimitingBuilder AddApiKitRateLimiting(this IServiceCollection services, IConfiguration configuration, Action<ApiKitRateLimitingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<ApiKitRateLimitingOptions>().Bind(configuration).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    private static ApiKitRateLimitingBuilder AddCore(IServiceCollection services)
    {
        services.AddMetrics();
        services.AddRateLimiter(_ => { });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiKitRateLimitingOptions>, ApiKitRateLimitingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<RateLimiterOptions>, RateLimiterOptionsSetup>());
        services.TryAddSingleton<RateLimitingMetrics>();
        services.TryAddSingleton<RateLimitPolicyRegistry>();
        services.TryAddSingleton<RateLimitBackend, InMemoryRateLimitBackend>();
        services.TryAddSingleton<HttpRateLimiter>();
        return new ApiKitRateLimitingBuilder(services);
    }
}
