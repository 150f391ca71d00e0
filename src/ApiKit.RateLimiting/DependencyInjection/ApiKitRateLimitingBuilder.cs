using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.RateLimiting;

/// <summary>Returned by <c>AddApiKitRateLimiting</c> so that backends (such as Redis) can be added.</summary>
public sealed class ApiKitRateLimitingBuilder
{
    internal ApiKitRateLimitingBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; }
}
