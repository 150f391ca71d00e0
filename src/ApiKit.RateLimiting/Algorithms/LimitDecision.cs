namespace ApiKit.RateLimiting;

/// <summary>The outcome of one limit for one request, in microseconds and permits.</summary>
internal readonly struct LimitDecision
{
    /// <summary>Retry-after value meaning "this cost can never be granted".</summary>
    public const long Never = -1;

    public LimitDecision(bool allowed, long retryAfterMicros, long remaining, long resetMicros, long delayMicros)
    {
        Allowed = allowed;
        RetryAfterMicros = retryAfterMicros;
        Remaining = remaining;
        ResetMicros = resetMicros;
        DelayMicros = delayMicros;
    }

    /// <summary>Gets whether the request fits (for a shaping queue: fits in the queue, see <see cref="DelayMicros"/>).</summary>
    public bool Allowed { get; }

    /// <summary>Gets how long until the same cost would be allowed; 0 when allowed, <see cref="Never"/> if never.</summary>
    public long RetryAfterMicros { get; }

    /// <summary>Gets the permits left after this decision.</summary>
    public long Remaining { get; }

    /// <summary>Gets how long until the quota is fully restored.</summary>
    public long ResetMicros { get; }

    /// <summary>Gets how long an admitted request must wait before it may leak out (shaping queue only).</summary>
    public long DelayMicros { get; }
}
