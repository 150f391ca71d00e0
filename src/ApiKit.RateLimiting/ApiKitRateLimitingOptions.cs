using Microsoft.AspNetCore.Http;

namespace ApiKit.RateLimiting;

/// <summary>
/// Options of ApiKit's HTTP rate limiting: named policies (from code and from configuration, reloaded at run time),
/// how partitions are found, allow- and deny-lists, and the headers written.
/// </summary>
public sealed class ApiKitRateLimitingOptions
{
    private readonly Dictionary<string, Func<HttpContext, string?>> _partitions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets the policies by name. An endpoint uses one with <c>[EnableRateLimiting("name")]</c> or
    /// <c>RequireRateLimiting("name")</c>; the names must exist when the application starts, their limits may change later.
    /// </summary>
    /// <value>Empty by default.</value>
    public IDictionary<string, RateLimitPolicyOptions> Policies { get; } = new Dictionary<string, RateLimitPolicyOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the policy applied to endpoints that name none (and do not disable rate limiting).</summary>
    /// <value>Defaults to <see langword="null"/>: such endpoints are not limited.</value>
    public string? DefaultPolicy { get; set; }

    /// <summary>Gets or sets the claim that identifies a user for <see cref="RateLimitPartitions.User"/>.</summary>
    /// <value>Defaults to <see cref="ApiKitRateLimitingDefaults.UserClaimType"/> (<c>sub</c>).</value>
    public string UserClaimType { get; set; } = ApiKitRateLimitingDefaults.UserClaimType;

    /// <summary>Gets or sets the header carrying the API key for <see cref="RateLimitPartitions.ApiKey"/>.</summary>
    /// <value>Defaults to <see cref="ApiKitRateLimitingDefaults.ApiKeyHeader"/> (<c>X-Api-Key</c>).</value>
    public string ApiKeyHeader { get; set; } = ApiKitRateLimitingDefaults.ApiKeyHeader;

    /// <summary>Gets how the client IP address is found.</summary>
    /// <value>No trusted proxies by default.</value>
    public ClientIpOptions ClientIp { get; } = new();

    /// <summary>Gets the users, API keys and networks that are never limited.</summary>
    /// <value>Empty by default.</value>
    public RateLimitAccessList AllowList { get; } = new();

    /// <summary>Gets the users, API keys and networks that are always refused (403).</summary>
    /// <value>Empty by default.</value>
    public RateLimitAccessList DenyList { get; } = new();

    /// <summary>Gets or sets the headers written on every response of a limited endpoint.</summary>
    /// <value>Defaults to <see cref="ApiKitRateLimitingDefaults.Headers"/> (<see cref="RateLimitHeaderMode.Ietf"/>).</value>
    public RateLimitHeaderMode Headers { get; set; } = ApiKitRateLimitingDefaults.Headers;

    /// <summary>Gets or sets how often in-memory keys at rest are evicted.</summary>
    /// <value>Defaults to <see cref="ApiKitRateLimitingDefaults.EvictionInterval"/> (1 minute).</value>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan EvictionInterval { get; set; } = ApiKitRateLimitingDefaults.EvictionInterval;

    /// <summary>
    /// Gets or sets how stale the time an in-memory decision uses may be. Above zero, decisions read a timestamp that
    /// a timer refreshes at this interval (while decisions are being made) instead of reading the system clock, which
    /// costs more than the rest of an in-memory decision. The price is accuracy of at most this much: a decision is the
    /// exact one for a request stamped up to one resolution earlier than it arrived (a token arrives, a window ends and
    /// a <c>Retry-After</c> elapses up to one resolution late; over any interval of length L at most what the exact
    /// limiter admits over L plus one resolution).
    /// <see cref="TimeSpan.Zero"/> reads the clock on every decision. Read when the application starts.
    /// </summary>
    /// <value>Defaults to <see cref="ApiKitRateLimitingDefaults.ClockResolution"/> (1 millisecond). Between zero and 1 second.</value>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan ClockResolution { get; set; } = ApiKitRateLimitingDefaults.ClockResolution;

    internal IReadOnlyDictionary<string, Func<HttpContext, string?>> CustomPartitions => _partitions;

    /// <summary>Adds (or replaces) a policy.</summary>
    /// <param name="name">The policy name.</param>
    /// <param name="limits">Its limits.</param>
    /// <returns>These options.</returns>
    public ApiKitRateLimitingOptions AddPolicy(string name, params RateLimitPolicyLimit[] limits)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(limits);
        var policy = new RateLimitPolicyOptions();
        foreach (var limit in limits)
        {
            policy.Limits.Add(limit);
        }

        Policies[name] = policy;
        return this;
    }

    /// <summary>
    /// Adds a custom partition a <see cref="RateLimitPolicyLimit.PartitionBy"/> can name: a function of the request
    /// returning the key, or <see langword="null"/> when the limit does not apply to the request.
    /// </summary>
    /// <param name="name">The partition name (letters and digits).</param>
    /// <param name="keySelector">The key function; it must not throw.</param>
    /// <returns>These options.</returns>
    public ApiKitRateLimitingOptions AddPartition(string name, Func<HttpContext, string?> keySelector)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(keySelector);
        _partitions[name] = keySelector;
        return this;
    }
}
