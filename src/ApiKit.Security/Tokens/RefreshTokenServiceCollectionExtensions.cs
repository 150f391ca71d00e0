using ApiKit.Security.Tokens;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers rotating refresh tokens.</summary>
public static class RefreshTokenServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IRefreshTokenService"/> and <see cref="RefreshTokenOptions"/> (validated on start). When no
    /// <see cref="IRefreshTokenStore"/> is registered, <see cref="InMemoryRefreshTokenStore"/> is used, which suits a
    /// single instance only.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiKitRefreshTokens(this IServiceCollection services, Action<RefreshTokenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRefreshTokenStore, InMemoryRefreshTokenStore>();
        services.TryAddSingleton<IRefreshTokenService, RefreshTokenService>();
        var options = services.AddOptions<RefreshTokenOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }
}
