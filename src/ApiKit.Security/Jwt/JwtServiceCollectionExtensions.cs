using ApiKit.Security.Jwt;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ApiKit's JWT issuing and validation, and its bearer authentication scheme.</summary>
public static class JwtServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="JwtOptions"/> (validated on start), the <see cref="JwtKeyRing"/> built by
    /// <paramref name="keyRing"/>, <see cref="IJwtIssuer"/> and <see cref="IJwtValidator"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <param name="keyRing">Builds the key ring (for example from PEM files or a key vault).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiKitJwt(this IServiceCollection services, Action<JwtOptions> configure, Func<IServiceProvider, JwtKeyRing> keyRing)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services, keyRing).Configure(configure);
        return services;
    }

    /// <summary>Registers the JWT services with options bound from <paramref name="configuration"/> (for example the <c>Jwt</c> section).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <param name="keyRing">Builds the key ring.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiKitJwt(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, JwtKeyRing> keyRing)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services, keyRing).Bind(configuration);
        return services;
    }

    /// <summary>
    /// Adds the ApiKit bearer scheme, so <c>[Authorize]</c>, <c>RequireAuthorization</c> and <c>HttpContext.User</c>
    /// work with tokens checked by <see cref="IJwtValidator"/>. Call <c>AddApiKitJwt</c> as well.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name; <see cref="JwtDefaults.AuthenticationScheme"/> by default.</param>
    /// <param name="configure">Configures the scheme options.</param>
    /// <returns>The authentication builder.</returns>
    public static AuthenticationBuilder AddApiKitJwtBearer(this AuthenticationBuilder builder, string authenticationScheme = JwtDefaults.AuthenticationScheme, Action<ApiKitJwtBearerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddScheme<ApiKitJwtBearerOptions, ApiKitJwtBearerHandler>(authenticationScheme, configure);
    }

    private static OptionsBuilder<JwtOptions> AddCore(IServiceCollection services, Func<IServiceProvider, JwtKeyRing> keyRing)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(keyRing);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(keyRing);
        services.TryAddSingleton<IJwtValidator>(sp => new JwtValidator(sp.GetRequiredService<IOptions<JwtOptions>>().Value, sp.GetRequiredService<JwtKeyRing>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IJwtIssuer>(sp => new JwtIssuer(sp.GetRequiredService<IOptions<JwtOptions>>().Value, sp.GetRequiredService<JwtKeyRing>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>());
        return services.AddOptions<JwtOptions>().ValidateDataAnnotations().ValidateOnStart();
    }
}
