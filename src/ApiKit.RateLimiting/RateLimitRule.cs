using System.ComponentModel.DataAnnotations;

namespace ApiKit.RateLimiting;

/// <summary>
/// One limit: an algorithm, a quota and a window. Not sealed so that <see cref="RateLimitPolicyLimit"/> can add how the
/// limit partitions requests.
/// </summary>
public class RateLimitRule : IValidatableObject
{
    /// <summary>Gets or sets the rule's name, used in the <c>RateLimit</c> headers and in metrics.</summary>
    /// <value>Required; at most 64 characters of letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the algorithm.</summary>
    /// <value>Defaults to <see cref="RateLimitRuleDefaults.Algorithm"/> (<see cref="RateLimitAlgorithm.TokenBucket"/>).</value>
    public RateLimitAlgorithm Algorithm { get; set; } = RateLimitRuleDefaults.Algorithm;

    /// <summary>Gets or sets the quota: permits per <see cref="Window"/> (for the buckets, the refill or leak rate).</summary>
    /// <value>Defaults to <see cref="RateLimitRuleDefaults.PermitLimit"/> (100). At least 1.</value>
    [Range(1, 1_000_000_000)]
    public long PermitLimit { get; set; } = RateLimitRuleDefaults.PermitLimit;

    /// <summary>Gets or sets the window the quota applies to.</summary>
    /// <value>Defaults to <see cref="RateLimitRuleDefaults.Window"/> (1 minute). Between 1 millisecond and 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Window { get; set; } = RateLimitRuleDefaults.Window;

    /// <summary>
    /// Gets or sets the bucket capacity (token bucket) or the burst tolerance (leaky bucket), in permits. Ignored by
    /// the window algorithms.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>: <see cref="PermitLimit"/> for a token bucket, 1 for a leaky bucket (perfectly
    /// smooth admission).
    /// </value>
    [Range(1, 1_000_000_000)]
    public long? Burst { get; set; }

    /// <summary>
    /// Gets or sets how many permits may wait in a leaky bucket's shaping queue. Zero makes the leaky bucket a pure meter.
    /// Only valid with <see cref="RateLimitAlgorithm.LeakyBucket"/>.
    /// </summary>
    /// <value>Defaults to <see cref="RateLimitRuleDefaults.QueueLimit"/> (0).</value>
    [Range(0, 1_000_000)]
    public int QueueLimit { get; set; } = RateLimitRuleDefaults.QueueLimit;

    /// <inheritdoc />
    public virtual IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (QueueLimit > 0 && Algorithm != RateLimitAlgorithm.LeakyBucket)
        {
            yield return new ValidationResult("QueueLimit applies to the LeakyBucket algorithm only.", [nameof(QueueLimit)]);
        }

        var window = Window.Ticks / TimeSpan.TicksPerMicrosecond;
        var largest = Math.Max(PermitLimit, (Burst ?? PermitLimit) + QueueLimit);

        // Every product of the algorithms stays below 2^53 so that the Redis Lua script, which computes in doubles,
        // gets exactly the integers the in-memory code gets.
        if (window > 0 && largest > (1L << 53) / window / 2)
        {
            yield return new ValidationResult(
                $"Rule '{Name}': the quota times the window in microseconds must stay below 2^52; shorten the window or lower the quota.",
                [nameof(PermitLimit), nameof(Window)]);
        }
    }

    internal LimitParameters ToParameters()
    {
        var burst = Burst ?? (Algorithm == RateLimitAlgorithm.LeakyBucket ? 1 : PermitLimit);
        return new LimitParameters(Algorithm, PermitLimit, Window.Ticks / TimeSpan.TicksPerMicrosecond, burst, QueueLimit);
    }

    internal void EnsureValid()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ValidationException(string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }
}
