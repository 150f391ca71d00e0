using ApiKit.Resilience.Bulkheads;
using ApiKit.Resilience.CircuitBreakers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ApiKit.Resilience services.</summary>
public static class ResilienceServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="CircuitBreakerRegistry"/> and <see cref="BulkheadRegistry"/>. The options of the
    /// breaker for a key are the named <see cref="CircuitBreakerOptions"/> of that key (configure one key with
    /// <c>services.Configure&lt;CircuitBreakerOptions&gt;("key", ...)</c>, all with <paramref name="configureBreakers"/>);
    /// a registered <see cref="ICircuitBreakerSharedState"/> is used by every breaker that has none.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configureBreakers">Configures the options of every breaker.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiKitResilience(this IServiceCollection services, Action<CircuitBreakerOptions>? configureBreakers = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CircuitBreakerOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BulkheadOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configureBreakers is not null)
        {
            services.ConfigureAll(configureBreakers);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp =>
        {
            var monitor = sp.GetRequiredService<IOptionsMonitor<CircuitBreakerOptions>>();
            var shared = sp.GetService<ICircuitBreakerSharedState>();
            return new CircuitBreakerRegistry(
                key =>
                {
                    var options = monitor.Get(key).WithName(key);
                    options.SharedState ??= shared;
                    return options;
                },
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>());
        });
        services.TryAddSingleton(static sp =>
        {
            var monitor = sp.GetRequiredService<IOptionsMonitor<BulkheadOptions>>();
            return new BulkheadRegistry(key => monitor.Get(key));
        });
        return services;
    }

    /// <summary>
    /// Adds a health check that lists every breaker of the <see cref="CircuitBreakerRegistry"/> with its state:
    /// healthy when all are closed, otherwise <paramref name="failureStatus"/>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The name of the check.</param>
    /// <param name="failureStatus">The status reported when a circuit is not closed.</param>
    /// <param name="tags">Tags of the check, for example <c>ready</c>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddApiKitCircuitBreakers(
        this IHealthChecksBuilder builder,
        string name = "circuit-breakers",
        HealthStatus failureStatus = HealthStatus.Degraded,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddApiKitResilience();
        return builder.Add(new HealthCheckRegistration(
            name,
            static sp => new CircuitBreakerHealthCheck(sp.GetRequiredService<CircuitBreakerRegistry>()),
            failureStatus,
            tags));
    }
}
