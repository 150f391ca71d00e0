namespace ApiKit.RateLimiting.Redis;

/// <summary>The defaults of <see cref="RedisRateLimitingOptions"/>.</summary>
public static class RedisRateLimitingDefaults
{
    /// <summary>The default key prefix: <c>apikit:rl</c>.</summary>
    public const string KeyPrefix = "apikit:rl";

    /// <summary>The default failure mode: <see cref="RedisFailureMode.InMemory"/>.</summary>
    public const RedisFailureMode FailureMode = RedisFailureMode.InMemory;

    /// <summary>The default number of consecutive failures that opens the circuit: 3.</summary>
    public const int FailureThreshold = 3;

    /// <summary>The default largest number of keys remembered as exhausted: 100,000.</summary>
    public const int MaxExhaustedKeys = 100_000;

    /// <summary>The default largest number of decisions sent in one script call: 64.</summary>
    public const int MaxBatchSize = 64;

    /// <summary>The default time Redis has to answer: 250 milliseconds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    /// <summary>The default time the circuit stays open before one probe is let through: 5 seconds.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);
}
