using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>The lease of an HTTP request: the evaluation's outcome, with its metadata.</summary>
internal sealed class PolicyLease : RateLimitLease
{
    private static readonly string[] AcquiredNames = [RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];
    private static readonly string[] RejectedNames = [MetadataName.RetryAfter.Name, RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];
    private readonly bool _acquired;

    public PolicyLease(PolicyEvaluation? evaluation, bool acquired)
    {
        Evaluation = evaluation;
        _acquired = acquired;
    }

    /// <summary>Gets a lease for requests no ApiKit policy applies to.</summary>
    public static PolicyLease Unlimited { get; } = new(null, acquired: true);

    public PolicyEvaluation? Evaluation { get; }

    public override bool IsAcquired => _acquired;

    public override IEnumerable<string> MetadataNames =>
        Evaluation is not { HasDecisions: true } ? [] : _acquired || Evaluation.RetryAfterMicros == LimitDecision.Never ? AcquiredNames : RejectedNames;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        if (Evaluation is not { HasDecisions: true } evaluation)
        {
            return false;
        }

        var index = evaluation.MostRestrictive();
        if (metadataName == MetadataName.RetryAfter.Name && !_acquired && evaluation.RetryAfterMicros != LimitDecision.Never)
        {
            metadata = RateLimitClock.ToTimeSpan(evaluation.RetryAfterMicros);
        }
        else if (metadataName == RateLimitMetadata.Remaining.Name && index >= 0)
        {
            metadata = evaluation.Decisions[index].Remaining;
        }
        else if (metadataName == RateLimitMetadata.Reset.Name && index >= 0)
        {
            metadata = RateLimitClock.ToTimeSpan(evaluation.Decisions[index].ResetMicros);
        }

        return metadata is not null;
    }
}
