using ApiKit.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the webhook receiver (verification of incoming webhooks).</summary>
public static class WebhookReceiverServiceCollectionExtensions
{
    /// <summary>Adds a receiver configured by <paramref name="configure"/> under the default name.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWebhookReceiver(this IServiceCollection services, Action<WebhookReceiverOptions> configure) =>
        services.AddWebhookReceiver(Options.Options.DefaultName, configure);

    /// <summary>Adds a named receiver, for applications that receive from several senders.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name given to <c>RequireWebhookSignature</c>.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWebhookReceiver(this IServiceCollection services, string name, Action<WebhookReceiverOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services, name).Configure(configure);
        return services;
    }

    /// <summary>Adds a named receiver bound to a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name given to <c>RequireWebhookSignature</c>.</param>
    /// <param name="configuration">The section, e.g. <c>Webhooks:Receivers:github</c>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWebhookReceiver(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services, name).Bind(configuration);
        return services;
    }

    private static OptionsBuilder<WebhookReceiverOptions> AddCore(IServiceCollection services, string name)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddDistributedMemoryCache();
        services.TryAddSingleton<WebhookVerifierRegistry>();
        services.AddProblemDetails();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookReceiverOptions>, WebhookReceiverOptionsValidator>());
        return services.AddOptions<WebhookReceiverOptions>(name).ValidateDataAnnotations().ValidateOnStart();
    }
}
