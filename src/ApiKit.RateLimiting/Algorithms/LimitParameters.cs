namespace ApiKit.RateLimiting;

/// <summary>
/// A validated <see cref="RateLimitRule"/> in the integer units the algorithms work in (microseconds, permits).
/// The same numbers are passed to the Redis script, so both sides compute with identical inputs.
/// </summary>
internal readonly struct LimitParameters
{
    public LimitParameters(RateLimitAlgorithm algorithm, long permitLimit, long windowMicros, long burst, long queueLimit)
    {
        Algorithm = algorithm;
        PermitLimit = permitLimit;
        WindowMicros = windowMicros;
        Burst = burst;
        QueueLimit = queueLimit;
    }

    public RateLimitAlgorithm Algorithm { get; }

    /// <summary>Gets N: permits per window (the refill or leak rate is N per window).</summary>
    public long PermitLimit { get; }

    /// <summary>Gets W, in microseconds.</summary>
    public long WindowMicros { get; }

    /// <summary>Gets the bucket capacity (token bucket) or the burst tolerance (leaky bucket), in permits.</summary>
    public long Burst { get; }

    /// <summary>Gets the shaping queue length of a leaky bucket, in permits; 0 for a pure meter.</summary>
    public long QueueLimit { get; }

    /// <summary>Gets the largest cost a single request can ever be granted.</summary>
    public long MaxCost => Algorithm switch
    {
        RateLimitAlgorithm.TokenBucket => Burst,
        RateLimitAlgorithm.LeakyBucket => Burst + QueueLimit,
        _ => PermitLimit,
    };
}
