using System.ComponentModel.DataAnnotations;

namespace ApiKit.Resilience.Retry;

/// <summary>How the delay between attempts grows.</summary>
public enum BackoffType
{
    /// <summary>The same delay every time.</summary>
    Constant = 0,

    /// <summary>The delay times the attempt number.</summary>
    Linear = 1,

    /// <summary>The delay doubles every attempt; with jitter, the decorrelated-jitter formula is used.</summary>
    Exponential = 2,
}

/// <summary>The defaults of <see cref="RetryOptions"/>, in one place.</summary>
public static class RetryDefaults
{
    /// <summary>The default number of retries after the first attempt: 3.</summary>
    public const int MaxRetryAttempts = 3;

    /// <summary>The default base delay: 2 seconds.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    /// <summary>The default longest delay: 30 seconds.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>The default backoff: <see cref="BackoffType.Exponential"/>.</summary>
    public const BackoffType Backoff = BackoffType.Exponential;
}

/// <summary>Options of the retry strategy.</summary>
public sealed class RetryOptions
{
    /// <summary>Gets or sets how many times to retry after the first attempt.</summary>
    /// <value>The default is <see cref="RetryDefaults.MaxRetryAttempts"/>.</value>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = RetryDefaults.MaxRetryAttempts;

    /// <summary>Gets or sets how the delay grows.</summary>
    /// <value>The default is <see cref="RetryDefaults.Backoff"/>.</value>
    public BackoffType BackoffType { get; set; } = RetryDefaults.Backoff;

    /// <summary>Gets or sets the base delay (the first delay, before jitter).</summary>
    /// <value>The default is <see cref="RetryDefaults.Delay"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan Delay { get; set; } = RetryDefaults.Delay;

    /// <summary>Gets or sets the longest delay between attempts; a longer <c>Retry-After</c> ends the retries.</summary>
    /// <value>The default is <see cref="RetryDefaults.MaxDelay"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = RetryDefaults.MaxDelay;

    /// <summary>Gets or sets whether delays are randomised (decorrelated jitter for exponential backoff, ±25% otherwise).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the delay a failure asks for is honoured: <c>Retry-After</c> on a 429 or 503 response,
    /// or the retry-after of a rejection (open circuit, full bulkhead).
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseRetryAfter { get; set; } = true;

    /// <summary>Gets or sets whether rejections by inner strategies (open circuit, full bulkhead) are retried.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RetryRejected { get; set; } = true;

    /// <summary>Gets or sets which exceptions are retried.</summary>
    /// <value>The default retries every exception except <see cref="OperationCanceledException"/>.</value>
    [Required]
    public Func<Exception, bool> ShouldHandleException { get; set; } = CircuitBreakers.CircuitBreakerDefaults.ShouldHandleException;

    /// <summary>Gets or sets which results are retried, or <see langword="null"/> when no result is.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Func<object?, bool>? ShouldHandleResult { get; set; }

    /// <summary>Gets or sets a callback invoked before each retry's delay.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Action<RetryArguments>? OnRetry { get; set; }

    /// <summary>Gets or sets the source of randomness for jitter, returning values in [0, 1).</summary>
    /// <value>The default is <see cref="Random.Shared"/>.</value>
    [Required]
    public Func<double> Randomizer { get; set; } = Random.Shared.NextDouble;
}

/// <summary>What a retry callback knows about the retry about to happen.</summary>
/// <param name="AttemptNumber">The attempt that just failed, 0 for the first one.</param>
/// <param name="Delay">The delay before the next attempt.</param>
/// <param name="Exception">The exception of the failed attempt, if it threw.</param>
/// <param name="Result">The result of the failed attempt, if it returned one.</param>
/// <param name="Rejection">Why the attempt was rejected, if it was.</param>
public readonly record struct RetryArguments(int AttemptNumber, TimeSpan Delay, Exception? Exception, object? Result, RejectionReason Rejection);
