using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers shared circuit-breaker state on Redis.</summary>
public static class RedisResilienceServiceCollectionExtensions
{
    /// <summary>
    /// Makes every breaker of the <see cref="CircuitBreakerRegistry"/> (and of the standard HTTP pipeline) share its state
    /// through Redis. The connection is the caller's: connect it at startup with <c>ConnectionMultiplexer.ConnectAsync</c>
    /// and <c>abortConnect=false</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connection">Returns the Redis connection.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiKitResilienceRedis(
        this IServiceCollection services,
        Func<IServiceProvider, IConnectionMultiplexer> connection,
        Action<RedisCircuitBreakerSharedStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        var options = new RedisCircuitBreakerSharedStateOptions();
        configure?.Invoke(options);
        services.AddApiKitResilience();
        services.AddSingleton<ICircuitBreakerSharedState>(sp => new RedisCircuitBreakerSharedState(
            connection(sp),
            options,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<RedisCircuitBreakerSharedState>>()));
        return services;
    }
}
