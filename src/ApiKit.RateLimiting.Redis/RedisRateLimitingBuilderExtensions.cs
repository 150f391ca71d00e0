using ApiKit.RateLimiting;
using ApiKit.RateLimiting.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis backend to ApiKit rate limiting.</summary>
public static class RedisRateLimitingBuilderExtensions
{
    /// <summary>
    /// Decides every policy on Redis: one atomic script per request, the Redis server's clock, keys that expire when
    /// their state is at rest, and the configured failure mode when Redis is down or slow.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddApiKitRateLimiting</c>.</param>
    /// <param name="configure">Configures the Redis options.</param>
    /// <returns>The builder.</returns>
    public static ApiKitRateLimitingBuilder AddRedis(this ApiKitRateLimitingBuilder builder, Action<RedisRateLimitingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RedisRateLimitingOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<RedisRateLimitBackend>();
        builder.Services.Replace(ServiceDescriptor.Singleton<RateLimitBackend>(sp => sp.GetRequiredService<RedisRateLimitBackend>()));
        return builder;
    }
}
