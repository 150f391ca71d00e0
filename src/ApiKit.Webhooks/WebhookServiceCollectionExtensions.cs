using ApiKit.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers webhook publishing, delivery and stores.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>Adds the publisher and delivery services; choose a store and add the dispatcher on the returned builder.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures delivery.</param>
    /// <returns>The builder.</returns>
    public static WebhooksBuilder AddWebhooks(this IServiceCollection services, Action<WebhookDeliveryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = AddCore(services);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return new WebhooksBuilder(services);
    }

    /// <summary>Adds the publisher and delivery services bound to a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section, e.g. <c>Webhooks</c>.</param>
    /// <returns>The builder.</returns>
    public static WebhooksBuilder AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services).Bind(configuration);
        return new WebhooksBuilder(services);
    }

    /// <summary>Uses the ADO.NET transactional outbox (SQLite or PostgreSQL) for endpoints and deliveries.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the connection factory and dialect.</param>
    /// <returns>The builder.</returns>
    public static WebhooksBuilder UseSqlStore(this WebhooksBuilder builder, Action<SqlWebhookStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<SqlWebhookStoreOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(sp => new SqlWebhookStore(sp.GetRequiredService<IOptions<SqlWebhookStoreOptions>>().Value)
        {
            Ordered = sp.GetRequiredService<IOptions<WebhookDeliveryOptions>>().Value.EnableOrdering,
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<IWebhookDeliveryStore>(sp => sp.GetRequiredService<SqlWebhookStore>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IWebhookEndpointStore>(sp => sp.GetRequiredService<SqlWebhookStore>()));
        builder.Services.AddHostedService<SqlWebhookSchemaInitializer>();
        builder.Services.AddHostedService<SqlWebhookRetentionService>();
        return builder;
    }

    /// <summary>Uses <see cref="InMemoryWebhookStoreForTesting"/>: nothing survives the process. For tests only.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static WebhooksBuilder UseInMemoryStoreForTesting(this WebhooksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<InMemoryWebhookStoreForTesting>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IWebhookDeliveryStore>(sp => sp.GetRequiredService<InMemoryWebhookStoreForTesting>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IWebhookEndpointStore>(sp => sp.GetRequiredService<InMemoryWebhookStoreForTesting>()));
        return builder;
    }

    /// <summary>Runs the background dispatcher in this process; several processes may run one against the same store.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static WebhooksBuilder AddDispatcher(this WebhooksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }

    private static OptionsBuilder<WebhookDeliveryOptions> AddCore(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookDispatchSignal>();
        services.TryAddSingleton<IWebhookDispatcherSignal>(sp => sp.GetRequiredService<WebhookDispatchSignal>());
        services.TryAddSingleton<WebhookPublisher>();
        services.TryAddSingleton<IWebhookPublisher>(sp => sp.GetRequiredService<WebhookPublisher>());
        services.TryAddSingleton<WebhookDeliveryProcessor>();
        services.TryAddSingleton<WebhookDispatchPipeline>();
        services.AddApiKitResilience();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookDeliveryOptions>, WebhookDeliveryOptionsValidator>());
        services.AddProblemDetails();

        // The management API answers Location under the URL the caller used, even when middleware rewrote the path.
        // Inserted first, so its middleware runs before that of startup filters registered earlier (API versioning's
        // path-prefix rule is one): the first registered filter is the outermost.
        if (!services.Any(d => d.ServiceType == typeof(IStartupFilter) && d.ImplementationType == typeof(WebhookRequestTargetStartupFilter)))
        {
            services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, WebhookRequestTargetStartupFilter>());
        }
        services.AddHttpClient(WebhookDeliveryDefaults.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()

            // One long-lived handler keeps its warm connections; PooledConnectionLifetime below already renews them
            // (and their DNS answers), so the factory's two-minute handler rotation would only reconnect for nothing.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var o = sp.GetRequiredService<IOptions<WebhookDeliveryOptions>>().Value;
                var guard = new WebhookSsrfGuard(o.Ssrf);
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    ConnectCallback = guard.ConnectAsync,
                    ConnectTimeout = o.AttemptTimeout,
                    MaxResponseDrainSize = 64 * 1024,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
            });

        var options = services.AddOptions<WebhookDeliveryOptions>();
        options.Configure<IServiceProvider>((o, sp) =>
        {
            if (sp.GetService<IHostEnvironment>()?.IsDevelopment() == true)
            {
                o.RequireHttps = false;
            }
        });
        options.ValidateDataAnnotations().ValidateOnStart();
        return options;
    }
}
