namespace ApiKit.RateLimiting;

/// <summary>Where a policy's limits are decided: in this process, or on a shared store such as Redis.</summary>
internal abstract class RateLimitBackend
{
    /// <summary>Decides without waiting; returns false when this backend can only decide asynchronously.</summary>
    public abstract bool TryDecide(PolicyEvaluation evaluation, bool allowDelay);

    /// <summary>Decides, fills <see cref="PolicyEvaluation.Decisions"/> and settles the evaluation. Never throws for an outage.</summary>
    public abstract ValueTask DecideAsync(PolicyEvaluation evaluation, bool allowDelay, CancellationToken cancellationToken);
}

/// <summary>The in-process backend over the registry's keyed stores.</summary>
internal sealed class InMemoryRateLimitBackend(RateLimitPolicyRegistry registry) : RateLimitBackend
{
    public override bool TryDecide(PolicyEvaluation evaluation, bool allowDelay)
    {
        InMemoryPolicyEvaluator.Decide(evaluation, registry.Clock.NowMicros(), allowDelay);
        return true;
    }

    public override ValueTask DecideAsync(PolicyEvaluation evaluation, bool allowDelay, CancellationToken cancellationToken)
    {
        InMemoryPolicyEvaluator.Decide(evaluation, registry.Clock.NowMicros(), allowDelay);
        return ValueTask.CompletedTask;
    }
}
