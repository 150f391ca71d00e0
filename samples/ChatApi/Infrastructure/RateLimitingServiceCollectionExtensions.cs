namespace ChatApi.Infrastructure;

/// <summary>
/// Rate limits of the ChatApi, from the <c>ApiKit:RateLimiting</c> section of appsettings.json: the design documents'
/// <c>api</c> policy (per user 1000/h, per API key 10000/h, per client IP 5000/h, all checked together) for every
/// endpoint, and the much stricter <c>auth</c> policy (10 per minute per IP and per user) on registration, login,
/// refresh and MFA. In memory by default; on Redis (one shared count for every instance) when
/// <c>ConnectionStrings:Redis</c> is set, falling back to the in-memory limits while Redis is unreachable.
/// </summary>
internal static class RateLimitingServiceCollectionExtensions
{
    public const string AuthPolicy = "auth";

    public static IServiceCollection AddChatRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddApiKitRateLimiting(configuration.GetSection("ApiKit:RateLimiting"));
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            builder.AddRedis(options => options.ConnectionString = redis);
        }

        return services;
    }
}
