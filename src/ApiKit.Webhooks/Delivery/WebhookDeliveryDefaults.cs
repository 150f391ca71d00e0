using ApiKit.Resilience.CircuitBreakers;

namespace ApiKit.Webhooks;

/// <summary>Default values of <see cref="WebhookDeliveryOptions"/>.</summary>
public static class WebhookDeliveryDefaults
{
    /// <summary>The name of the <c>IHttpClientFactory</c> client deliveries use.</summary>
    public const string HttpClientName = "ApiKit.Webhooks";

    /// <summary>Svix's schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.</summary>
    public static IReadOnlyList<TimeSpan> RetrySchedule { get; } =
    [
        TimeSpan.Zero,
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(10),
    ];

    /// <summary>Each delay is moved by up to ±20 % at random, so retries of many messages spread out.</summary>
    public const double JitterFactor = 0.2;

    /// <summary>The longest a <c>Retry-After</c> may push an attempt back: 1 day.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    /// <summary>The time one attempt may take: 15 s.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The lease a claim takes on a delivery: 60 s, longer than any attempt.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);

    /// <summary>How long the dispatcher waits when nothing is due: 1 s.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How many deliveries one claim takes: 64.</summary>
    public const int BatchSize = 64;

    /// <summary>How many deliveries one dispatcher holds at once, claimed and not yet recorded: 256.</summary>
    public const int MaxInFlight = 256;

    /// <summary>How many attempts run at once against one endpoint: 8.</summary>
    public const int MaxConcurrencyPerEndpoint = 8;

    /// <summary>The prefix of the key of each endpoint's breaker in the <c>CircuitBreakerRegistry</c>: <c>webhooks:</c>.</summary>
    public const string CircuitBreakerKeyPrefix = "webhooks:";

    /// <summary>Consecutive failures that open an endpoint's circuit: 5.</summary>
    public const int CircuitBreakerConsecutiveFailures = 5;

    /// <summary>Share of failed attempts in the sampling window that opens an endpoint's circuit: 0.5 (once 10 attempts were made).</summary>
    public const double CircuitBreakerFailureRatio = 0.5;

    /// <summary>How long an open endpoint circuit is left alone before one probe attempt: 30 s.</summary>
    public static readonly TimeSpan CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);

    /// <summary>Creates the default options of each endpoint's circuit breaker.</summary>
    /// <returns>5 consecutive failures or 50 % of at least 10 attempts in 30 s open the circuit for 30 s; one probe closes it.</returns>
    public static CircuitBreakerOptions CreateCircuitBreakerOptions() => new()
    {
        Name = "webhooks",
        ConsecutiveFailures = CircuitBreakerConsecutiveFailures,
        FailureRatio = CircuitBreakerFailureRatio,
        BreakDuration = CircuitBreakerBreakDuration,
    };

    /// <summary>How long an endpoint may fail without a success before it is disabled: 5 days (Svix).</summary>
    public static readonly TimeSpan DisableAfterFailingFor = TimeSpan.FromDays(5);

    /// <summary>The most response bytes read and kept in the attempt log: 4 KiB.</summary>
    public const int MaxResponseBytes = 4096;

    /// <summary>How long delivered messages and their attempt log are kept: 30 days.</summary>
    public static readonly TimeSpan RetentionPeriod = TimeSpan.FromDays(30);

    /// <summary>How often the retention cleanup runs: 1 h.</summary>
    public static readonly TimeSpan RetentionCleanupInterval = TimeSpan.FromHours(1);

    /// <summary>How long a rotated-out secret keeps signing next to the new one: 24 h.</summary>
    public static readonly TimeSpan SecretRotationOverlap = TimeSpan.FromHours(24);
}
