namespace ApiKit.RateLimiting;

/// <summary>The algorithm a <see cref="RateLimitRule"/> applies.</summary>
public enum RateLimitAlgorithm
{
    /// <summary>
    /// Token bucket: a bucket of <see cref="RateLimitRule.Burst"/> tokens refilled continuously at
    /// <see cref="RateLimitRule.PermitLimit"/> tokens per <see cref="RateLimitRule.Window"/>.
    /// </summary>
    TokenBucket,

    /// <summary>
    /// Leaky bucket as a meter (GCRA): requests leak out at <see cref="RateLimitRule.PermitLimit"/> per
    /// <see cref="RateLimitRule.Window"/>, with no burst beyond <see cref="RateLimitRule.Burst"/>. With a
    /// <see cref="RateLimitRule.QueueLimit"/> above zero it becomes a shaping queue: <c>AcquireAsync</c> waits until
    /// the request may leak out.
    /// </summary>
    LeakyBucket,

    /// <summary>Fixed window: at most <see cref="RateLimitRule.PermitLimit"/> permits per aligned window.</summary>
    FixedWindow,

    /// <summary>
    /// Exact sliding window: a log of admission times; at most <see cref="RateLimitRule.PermitLimit"/> permits in
    /// any interval of one <see cref="RateLimitRule.Window"/>. Memory grows with the limit.
    /// </summary>
    SlidingWindowLog,

    /// <summary>
    /// Approximate sliding window: the previous window's count weighted by its overlap plus the current count,
    /// O(1) memory. See the package README for its error bound.
    /// </summary>
    SlidingWindowCounter,
}
