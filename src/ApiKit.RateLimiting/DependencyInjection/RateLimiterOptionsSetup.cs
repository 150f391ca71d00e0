using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ApiKit.RateLimiting;

/// <summary>
/// Plugs ApiKit into <see cref="RateLimiterOptions"/>: its limiter becomes the global limiter (chained after one the
/// application set), rejections become 429 with ProblemDetails, and every ApiKit policy name is registered so that
/// <c>[EnableRateLimiting("name")]</c> resolves; the registered policy itself limits nothing, ApiKit's global
/// limiter reads the attribute and does the work.
/// </summary>
internal sealed class RateLimiterOptionsSetup(HttpRateLimiter limiter, IOptionsMonitor<ApiKitRateLimitingOptions> options) : IPostConfigureOptions<RateLimiterOptions>
{
    public void PostConfigure(string? name, RateLimiterOptions rateLimiter)
    {
        rateLimiter.GlobalLimiter = rateLimiter.GlobalLimiter is { } existing
            ? PartitionedRateLimiter.CreateChained(limiter, existing)
            : limiter;
        rateLimiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        var existingOnRejected = rateLimiter.OnRejected;
        rateLimiter.OnRejected = existingOnRejected is null
            ? RateLimitRejection.WriteAsync
            : existingOnRejected;
        foreach (var policy in options.CurrentValue.Policies.Keys)
        {
            rateLimiter.AddPolicy<string>(policy, static _ => RateLimitPartition.GetNoLimiter(string.Empty));
        }
    }
}
