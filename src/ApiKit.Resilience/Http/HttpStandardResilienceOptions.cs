using System.ComponentModel.DataAnnotations;
using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Retry;

namespace ApiKit.Resilience.Http;

/// <summary>The defaults of <see cref="HttpStandardResilienceOptions"/>, in one place.</summary>
public static class HttpStandardResilienceDefaults
{
    /// <summary>The default timeout of the whole request, retries included: 30 seconds.</summary>
    public static readonly TimeSpan TotalRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default timeout of one attempt: 10 seconds.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default failure ratio of the per-authority breaker: 0.1.</summary>
    public const double FailureRatio = 0.1;

    /// <summary>The default minimum throughput of the per-authority breaker: 100.</summary>
    public const int MinimumThroughput = 100;

    /// <summary>The request header whose presence makes an unsafe method retryable: <c>Idempotency-Key</c>.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";
}

/// <summary>
/// Options of the standard HTTP pipeline: total timeout, retry, per-authority circuit breaker, attempt timeout.
/// Bind them per client from configuration (section keys match the property names, e.g. <c>Retry:MaxRetryAttempts</c>).
/// </summary>
public sealed class HttpStandardResilienceOptions
{
    /// <summary>Gets or sets the timeout of the whole request, retries and delays included.</summary>
    /// <value>The default is <see cref="HttpStandardResilienceDefaults.TotalRequestTimeout"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan TotalRequestTimeout { get; set; } = HttpStandardResilienceDefaults.TotalRequestTimeout;

    /// <summary>Gets or sets the timeout of one attempt.</summary>
    /// <value>The default is <see cref="HttpStandardResilienceDefaults.AttemptTimeout"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = HttpStandardResilienceDefaults.AttemptTimeout;

    /// <summary>
    /// Gets or sets whether unsafe methods (POST, PUT, PATCH, DELETE, ...) are retried. They never are by default,
    /// unless the request carries an <c>Idempotency-Key</c> header.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RetryUnsafeMethods { get; set; }

    /// <summary>Gets or sets the retry options; transient results (5xx, 408, 429) and exceptions are retried, <c>Retry-After</c> is honoured.</summary>
    /// <value>The default retries 3 times with exponential backoff and decorrelated jitter from 2 seconds.</value>
    [Required]
    public RetryOptions Retry { get; set; } = new()
    {
        ShouldHandleResult = HttpOutcomes.IsTransientResult,
        ShouldHandleException = HttpOutcomes.IsTransientException,
    };

    /// <summary>
    /// Gets or sets the options of the circuit breakers, one per client and authority (scheme, host and port); their
    /// names are <c>clientName:scheme://host:port</c>.
    /// </summary>
    /// <value>The default opens at a 10% failure ratio over 30 seconds with at least 100 calls, for 5 seconds.</value>
    [Required]
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new()
    {
        FailureRatio = HttpStandardResilienceDefaults.FailureRatio,
        MinimumThroughput = HttpStandardResilienceDefaults.MinimumThroughput,
        ShouldHandleResult = HttpOutcomes.IsTransientResult,
        ShouldHandleException = HttpOutcomes.IsTransientException,
    };
}

internal sealed class HttpStandardResilienceOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<HttpStandardResilienceOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, HttpStandardResilienceOptions options)
    {
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        if (options.Retry is not null)
        {
            Validator.TryValidateObject(options.Retry, new ValidationContext(options.Retry), errors, validateAllProperties: true);
        }

        if (options.CircuitBreaker is not null)
        {
            Validator.TryValidateObject(options.CircuitBreaker, new ValidationContext(options.CircuitBreaker), errors, validateAllProperties: true);
        }

        if (options.AttemptTimeout > options.TotalRequestTimeout)
        {
            errors.Add(new ValidationResult("AttemptTimeout must not be longer than TotalRequestTimeout."));
        }

        return errors.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors.Select(e => $"HttpStandardResilienceOptions '{name}': {e.ErrorMessage}"));
    }
}
