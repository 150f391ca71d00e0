using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the ApiKit standard resilience pipeline to named and typed HTTP clients.</summary>
public static class ResilienceHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds total timeout, retry (safe methods only unless opted in; honours <c>Retry-After</c>), a circuit breaker per
    /// authority and attempt timeout to the client. Its options are the named <see cref="HttpStandardResilienceOptions"/>
    /// of the client's name, validated on start.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Changes the defaults for this client.</param>
    /// <returns>An options builder to configure the client's options further.</returns>
    public static OptionsBuilder<HttpStandardResilienceOptions> AddApiKitStandardResilience(this IHttpClientBuilder builder, Action<HttpStandardResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        builder.Services.AddApiKitResilience();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpStandardResilienceOptions>, HttpStandardResilienceOptionsValidator>());
        var options = builder.Services.AddOptions<HttpStandardResilienceOptions>(name)
            .PostConfigure<IServiceProvider>(static (o, sp) => o.CircuitBreaker.SharedState ??= sp.GetService<ICircuitBreakerSharedState>())
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.AddHttpMessageHandler(sp => new ResilienceHandler(
            name,
            sp.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(name),
            sp.GetRequiredService<CircuitBreakerRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        return options;
    }

    /// <summary>Adds the standard pipeline with options bound from <paramref name="section"/>; see <see cref="AddApiKitStandardResilience(IHttpClientBuilder, Action{HttpStandardResilienceOptions}?)"/>.</summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="section">The configuration section, e.g. <c>Resilience:Http:payments</c>.</param>
    /// <returns>An options builder to configure the client's options further.</returns>
    public static OptionsBuilder<HttpStandardResilienceOptions> AddApiKitStandardResilience(this IHttpClientBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.AddApiKitStandardResilience().Bind(section);
    }
}
