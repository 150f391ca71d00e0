namespace ApiKit.RateLimiting;

/// <summary>A named policy: every limit applying to a request, checked together, all-or-nothing.</summary>
public sealed class RateLimitPolicyOptions
{
    /// <summary>The largest number of limits a policy may hold.</summary>
    public const int MaxLimits = 8;

    /// <summary>Gets the limits. A request is admitted only if every applicable limit admits it, and then consumes from all.</summary>
    /// <value>Empty by default; at most <see cref="MaxLimits"/>, with distinct names.</value>
    public IList<RateLimitPolicyLimit> Limits { get; } = [];
}
