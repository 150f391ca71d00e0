using ApiKit.Webhooks;
using ApiKit.Webhooks.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis Streams store.</summary>
public static class RedisWebhookStoreExtensions
{
    /// <summary>Uses Redis Streams for endpoints and deliveries, for dispatchers spread across machines.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the connection and keys.</param>
    /// <returns>The builder.</returns>
    public static WebhooksBuilder UseRedisStore(this WebhooksBuilder builder, Action<RedisWebhookStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RedisWebhookStoreOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(sp => new RedisWebhookStore(sp.GetRequiredService<IOptions<RedisWebhookStoreOptions>>().Value));
        builder.Services.Replace(ServiceDescriptor.Singleton<IWebhookDeliveryStore>(sp => sp.GetRequiredService<RedisWebhookStore>()));
        builder.Services.Replace(ServiceDescriptor.Singleton<IWebhookEndpointStore>(sp => sp.GetRequiredService<RedisWebhookStore>()));
        return builder;
    }
}
