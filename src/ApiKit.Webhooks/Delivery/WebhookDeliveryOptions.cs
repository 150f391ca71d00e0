using System.ComponentModel.DataAnnotations;
using ApiKit.Resilience.CircuitBreakers;

namespace ApiKit.Webhooks;

/// <summary>How the dispatcher delivers webhooks.</summary>
public sealed class WebhookDeliveryOptions
{
    /// <summary>
    /// Gets or sets the delay before each attempt; its length is the number of attempts. Left empty, the
    /// default schedule applies (empty rather than pre-filled so configuration binding replaces it instead of appending).
    /// </summary>
    /// <value>Empty: <see cref="WebhookDeliveryDefaults.RetrySchedule"/>, immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.</value>
    public IList<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>Gets or sets the fraction by which each retry delay is moved at random, either way.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.JitterFactor"/>: 0.2.</value>
    [Range(0.0, 1.0)]
    public double JitterFactor { get; set; } = WebhookDeliveryDefaults.JitterFactor;

    /// <summary>Gets or sets the longest delay a <c>Retry-After</c> on 429/503 is honoured with.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.MaxRetryAfter"/>: 1 day.</value>
    public TimeSpan MaxRetryAfter { get; set; } = WebhookDeliveryDefaults.MaxRetryAfter;

    /// <summary>Gets or sets the time one attempt may take, connect to last response byte read.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.AttemptTimeout"/>: 15 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = WebhookDeliveryDefaults.AttemptTimeout;

    /// <summary>Gets or sets the lease a claim holds; must exceed <see cref="AttemptTimeout"/> so no delivery runs twice at once.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.LeaseDuration"/>: 60 s.</value>
    public TimeSpan LeaseDuration { get; set; } = WebhookDeliveryDefaults.LeaseDuration;

    /// <summary>Gets or sets how long the dispatcher waits when nothing is due.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.PollInterval"/>: 1 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = WebhookDeliveryDefaults.PollInterval;

    /// <summary>Gets or sets how many deliveries one claim takes.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.BatchSize"/>: 64.</value>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = WebhookDeliveryDefaults.BatchSize;

    /// <summary>Gets or sets how many deliveries one dispatcher holds at once, claimed and not yet recorded.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.MaxInFlight"/>: 256.</value>
    [Range(1, 100_000)]
    public int MaxInFlight { get; set; } = WebhookDeliveryDefaults.MaxInFlight;

    /// <summary>Gets or sets how many attempts run at once against one endpoint.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.MaxConcurrencyPerEndpoint"/>: 8.</value>
    [Range(1, 10_000)]
    public int MaxConcurrencyPerEndpoint { get; set; } = WebhookDeliveryDefaults.MaxConcurrencyPerEndpoint;

    /// <summary>
    /// Gets the options of each endpoint's ApiKit.Resilience circuit breaker, registered in the
    /// <see cref="CircuitBreakerRegistry"/> under <c>webhooks:&lt;endpointId&gt;</c> (so the registry's health check lists it).
    /// While a circuit is open, its endpoint's deliveries wait until it may probe again without spending attempts.
    /// Set both <see cref="CircuitBreakerOptions.ConsecutiveFailures"/> and <see cref="CircuitBreakerOptions.FailureRatio"/>
    /// to <see langword="null"/> to never open.
    /// </summary>
    /// <value>
    /// <see cref="WebhookDeliveryDefaults.CreateCircuitBreakerOptions"/>: opens after
    /// <see cref="WebhookDeliveryDefaults.CircuitBreakerConsecutiveFailures"/> (5) consecutive failures or a failure ratio of
    /// <see cref="WebhookDeliveryDefaults.CircuitBreakerFailureRatio"/> (0.5) over at least 10 attempts in 30 s, for
    /// <see cref="WebhookDeliveryDefaults.CircuitBreakerBreakDuration"/> (30 s); one successful probe closes it.
    /// </value>
    public CircuitBreakerOptions CircuitBreaker { get; } = WebhookDeliveryDefaults.CreateCircuitBreakerOptions();

    /// <summary>Gets or sets how long an endpoint may fail without a success before it is disabled.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.DisableAfterFailingFor"/>: 5 days.</value>
    public TimeSpan DisableAfterFailingFor { get; set; } = WebhookDeliveryDefaults.DisableAfterFailingFor;

    /// <summary>Gets or sets the most response bytes read; the rest is never read.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.MaxResponseBytes"/>: 4 KiB.</value>
    [Range(0, 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = WebhookDeliveryDefaults.MaxResponseBytes;

    /// <summary>Gets or sets whether deliveries that share an ordering key go out to each endpoint strictly in order.</summary>
    /// <value><see langword="false"/>.</value>
    public bool EnableOrdering { get; set; }

    /// <summary>Gets or sets the header names deliveries carry.</summary>
    /// <value><see cref="WebhookHeaderStyle.Standard"/>.</value>
    public WebhookHeaderStyle HeaderStyle { get; set; } = WebhookHeaderStyle.Standard;

    /// <summary>Gets or sets how long a rotated-out secret keeps signing next to the new one.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.SecretRotationOverlap"/>: 24 h.</value>
    public TimeSpan SecretRotationOverlap { get; set; } = WebhookDeliveryDefaults.SecretRotationOverlap;

    /// <summary>
    /// Gets or sets how long delivered messages and their attempt log are kept by a store that expires them (the SQL
    /// outbox; its cleanup runs every <see cref="RetentionCleanupInterval"/>). Pending deliveries and dead letters are
    /// kept whatever their age, with their messages and attempts, so they can still be sent, recovered or redelivered.
    /// <see langword="null"/> keeps everything.
    /// </summary>
    /// <value><see cref="WebhookDeliveryDefaults.RetentionPeriod"/>: 30 days.</value>
    public TimeSpan? RetentionPeriod { get; set; } = WebhookDeliveryDefaults.RetentionPeriod;

    /// <summary>Gets or sets how often the retention cleanup runs.</summary>
    /// <value><see cref="WebhookDeliveryDefaults.RetentionCleanupInterval"/>: 1 h.</value>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetentionCleanupInterval { get; set; } = WebhookDeliveryDefaults.RetentionCleanupInterval;

    /// <summary>Gets or sets whether endpoint URLs must use HTTPS.</summary>
    /// <value><see langword="true"/>, except in the Development environment where it defaults to <see langword="false"/>.</value>
    public bool RequireHttps { get; set; } = true;

    /// <summary>
    /// Gets the event types the application publishes. When any are listed, the management API refuses (400) a
    /// subscription whose event patterns include one that matches none of them (an exact type, <c>prefix.*</c> or <c>*</c>),
    /// so a typo fails at registration instead of silently receiving nothing.
    /// </summary>
    /// <value>Empty: any well-formed pattern is accepted.</value>
    public IList<string> EventTypes { get; } = [];

    /// <summary>Gets the SSRF guard settings; the management API applies them at registration to hosts that are address literals or <c>localhost</c>.</summary>
    public WebhookSsrfOptions Ssrf { get; } = new();

    /// <summary>Gets or sets a callback run when an endpoint is disabled (410 Gone or failing too long).</summary>
    /// <value><see langword="null"/>.</value>
    public Func<WebhookEndpointDisabledContext, ValueTask>? OnEndpointDisabled { get; set; }
}
