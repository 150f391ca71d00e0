using ApiKit.Security.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers API keys and their authentication scheme.</summary>
public static class ApiKeyServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ApiKeyManager"/> (singleton) with validated options and <see cref="TimeProvider.System"/>
    /// unless a time provider is registered. Register an <see cref="IApiKeyStore"/> too (<see cref="AddInMemoryApiKeyStore"/> for development).
    /// </summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services, Action<ApiKeyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<ApiKeyOptions>().ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiKeyManager>();
        return services;
    }

    /// <summary>Registers API keys with options bound from <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddApiKeys();
        services.AddOptions<ApiKeyOptions>().Bind(configuration);
        return services;
    }

    /// <summary>Registers <see cref="InMemoryApiKeyStore"/>: for tests and development only.</summary>
    public static IServiceCollection AddInMemoryApiKeyStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IApiKeyStore, InMemoryApiKeyStore>();
        return services;
    }

    /// <summary>
    /// Adds the API key authentication scheme (header <see cref="ApiKeyDefaults.HeaderName"/> unless configured) and
    /// the services of <see cref="AddApiKeys(IServiceCollection, Action{ApiKeyOptions}?)"/>.
    /// </summary>
    public static AuthenticationBuilder AddApiKey(
        this AuthenticationBuilder builder,
        string authenticationScheme = ApiKeyDefaults.AuthenticationScheme,
        Action<ApiKeyAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddApiKeys();
        return builder.AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(authenticationScheme, configure);
    }
}
