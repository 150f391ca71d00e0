using ApiKit.Security.Authorization;
using ApiKit.Webhooks;
using ChatApi.Auth;
using ChatApi.Data;
using ChatApi.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ChatApi.Webhooks;

/// <summary>Registers and maps the ChatApi's webhooks (see the README's "Webhooks" section).</summary>
internal static class ChatWebhooksServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="WebhookDeliveryOptions"/>.</summary>
    public const string SectionName = "ApiKit:Webhooks";

    /// <summary>The configuration section of the delivery client's resilience pipeline.</summary>
    public const string HttpResilienceSectionName = "ApiKit:Resilience:Http:Webhooks";

    /// <summary>
    /// Adds ApiKit.Webhooks with its transactional outbox in the ChatApi's SQLite file (the library creates its
    /// <c>webhook_*</c> tables at start-up, after the ChatApi's migrations), the dispatcher as a hosted service, the
    /// outbox the repositories enqueue changes into, the resilience pipeline of the delivery client, and the readiness
    /// check that lists every circuit breaker.
    /// </summary>
    public static IServiceCollection AddChatWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWebhooks(configuration.GetSection(SectionName))
            .UseSqlStore(store => store.Dialect = WebhookSqlDialect.Sqlite)
            .AddDispatcher();

        // The management API refuses subscriptions to event types the ChatApi never publishes (a 400 naming "events").
        services.Configure<WebhookDeliveryOptions>(webhooks =>
        {
            foreach (var type in ChatWebhookEvents.All)
            {
                webhooks.EventTypes.Add(type);
            }
        });
        services.AddOptions<SqlWebhookStoreOptions>()
            .Configure<SqliteConnectionFactory>((store, connections) => store.ConnectionFactory = connections.CreateConnection);
        services.AddSingleton<IChatChangeOutbox, WebhookChatChangeOutbox>();

        // The deliveries are the ChatApi's outbound HTTP calls, so they go through the standard pipeline: a circuit
        // breaker per authority (host:port) and the timeouts. The outbox already retries on its own durable schedule and
        // has a breaker per endpoint, so the pipeline never retries (a retry inside an attempt would multiply the
        // schedule and hold the endpoint's slot), and its timeouts equal the delivery's attempt timeout so that the
        // dispatcher's own, which also covers reading the response, is the one that decides. The pipeline's rejections
        // (open circuit, its timeout) need no translation: the dispatcher records any send failure as a failed attempt.
        services.AddHttpClient(WebhookDeliveryDefaults.HttpClientName)
            .AddApiKitStandardResilience()
            .Configure<IOptions<WebhookDeliveryOptions>>((http, delivery) => http.AttemptTimeout = http.TotalRequestTimeout = delivery.Value.AttemptTimeout)
            .Bind(configuration.GetSection(HttpResilienceSectionName))
            .PostConfigure(http =>
            {
                http.Retry.MaxRetryAttempts = 0;
                http.RetryUnsafeMethods = false;
            });

        // Degraded, not Unhealthy: a subscriber's dead endpoint must not take the ChatApi out of its load balancer.
        services.AddHealthChecks().AddApiKitCircuitBreakers(tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// Maps the library's management API under <c>/api/webhooks</c> (so <c>/api/v1/webhooks</c> too), with the
    /// <c>webhook</c> row of the permission matrix: reading needs <c>webhook:read</c>,
    /// creating <c>webhook:create</c>, deleting <c>webhook:delete</c>, everything else (update, rotate, test, redeliver,
    /// recover) <c>webhook:update</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapWebhookManagement("/api/webhooks");
        ((IEndpointConventionBuilder)webhooks).Finally(endpoint => endpoint.Metadata.Add(new RequirePermissionAttribute(PermissionFor(endpoint))));
        return app;
    }

    private static string PermissionFor(EndpointBuilder endpoint)
    {
        var method = endpoint.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).FirstOrDefault();
        var onCollection = endpoint is RouteEndpointBuilder route && route.RoutePattern.Parameters.Count == 0;
        return method switch
        {
            "GET" => ChatPermissions.WebhookRead,
            "DELETE" => ChatPermissions.WebhookDelete,
            "POST" when onCollection => ChatPermissions.WebhookCreate,
            _ => ChatPermissions.WebhookUpdate,
        };
    }
}
