using System.ComponentModel.DataAnnotations;

namespace ApiKit.RateLimiting.Redis;

/// <summary>Options of the Redis backend of ApiKit rate limiting.</summary>
public sealed class RedisRateLimitingOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string. When <see langword="null"/>, an
    /// <c>IConnectionMultiplexer</c> registered in the container is used.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the prefix of every key.</summary>
    /// <value>Defaults to <see cref="RedisRateLimitingDefaults.KeyPrefix"/> (<c>apikit:rl</c>).</value>
    [Required]
    public string KeyPrefix { get; set; } = RedisRateLimitingDefaults.KeyPrefix;

    /// <summary>Gets or sets how long a decision may wait for Redis before the failure mode applies.</summary>
    /// <value>Defaults to <see cref="RedisRateLimitingDefaults.Timeout"/> (250 ms).</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:30")]
    public TimeSpan Timeout { get; set; } = RedisRateLimitingDefaults.Timeout;

    /// <summary>Gets or sets the failure mode of policies not listed in <see cref="PolicyFailureModes"/>.</summary>
    /// <value>Defaults to <see cref="RedisRateLimitingDefaults.FailureMode"/> (<see cref="RedisFailureMode.InMemory"/>).</value>
    public RedisFailureMode FailureMode { get; set; } = RedisRateLimitingDefaults.FailureMode;

    /// <summary>Gets the failure mode per policy name.</summary>
    /// <value>Empty by default.</value>
    public IDictionary<string, RedisFailureMode> PolicyFailureModes { get; } = new Dictionary<string, RedisFailureMode>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how many consecutive failures open the circuit, so that an outage stops costing the timeout.</summary>
    /// <value>Defaults to <see cref="RedisRateLimitingDefaults.FailureThreshold"/> (3).</value>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = RedisRateLimitingDefaults.FailureThreshold;

    /// <summary>Gets or sets how long the circuit stays open before a single probe request tries Redis again.</summary>
    /// <value>Defaults to <see cref="RedisRateLimitingDefaults.BreakDuration"/> (5 s).</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = RedisRateLimitingDefaults.BreakDuration;

    /// <summary>
    /// Gets or sets how many keys known to be exhausted are remembered locally until their retry-after, so that a
    /// client hammering an exhausted limit costs no round trip. Zero turns the cache off.
    /// </summary>
    /// <value>Defaults to <see cref="RedisRateLimitingDefaults.MaxExhaustedKeys"/> (100,000).</value>
    [Range(0, 10_000_000)]
    public int MaxExhaustedKeys { get; set; } = RedisRateLimitingDefaults.MaxExhaustedKeys;

    /// <summary>
    /// Gets or sets how many decisions may share one script call. Decisions that arrive while earlier ones are still
    /// in flight wait for the next call and go together, decided in arrival order exactly as one by one, so under load
    /// the server runs one script per batch instead of one per decision. A lone caller is never held back. One turns
    /// batching off.
    /// </summary>
    /// <value>Defaults to <see cref="RedisRateLimitingDefaults.MaxBatchSize"/> (64).</value>
    [Range(1, 1000)]
    public int MaxBatchSize { get; set; } = RedisRateLimitingDefaults.MaxBatchSize;

    internal RedisFailureMode ModeFor(string policy) =>
        PolicyFailureModes.TryGetValue(policy, out var mode) ? mode : FailureMode;
}
