using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>
/// A lease carrying the decision's numbers. Leases are recycled through a one-slot per-thread cache when disposed,
/// which keeps an accepted decision free of allocations for callers that dispose their leases (as the ASP.NET Core
/// middleware does); a lease must not be read after it is disposed.
/// </summary>
internal sealed class DecisionLease : RateLimitLease
{
    internal static readonly string[] AcquiredNames = [RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];
    private static readonly string[] RejectedNames = [MetadataName.RetryAfter.Name, RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];
    private static readonly string[] NeverNames = [RateLimitMetadata.Remaining.Name, RateLimitMetadata.Reset.Name];

    [ThreadStatic]
    private static DecisionLease? _cached;

    private bool _acquired;
    private long _retryAfterMicros;
    private long _remaining;
    private long _resetMicros;
    private bool _returned;

    // Accepted on the fast path: the numbers are derived from the committed state only if someone reads them
    // (two divisions per decision otherwise, which is a large share of an in-memory decision).
    private bool _deferred;
    private LimitParameters _parameters;
    private LimitState _state;
    private long _now;

    private DecisionLease()
    {
    }

    public override bool IsAcquired => _acquired;

    public override IEnumerable<string> MetadataNames =>
        _acquired ? AcquiredNames : _retryAfterMicros == LimitDecision.Never ? NeverNames : RejectedNames;

    internal long RemainingPermits
    {
        get
        {
            Materialize();
            return _remaining;
        }
    }

    internal long RetryAfterMicros => _retryAfterMicros;

    public static DecisionLease Rent(bool acquired, long retryAfterMicros, long remaining, long resetMicros)
    {
        var lease = _cached ?? new DecisionLease();
        _cached = null;
        lease._acquired = acquired;
        lease._retryAfterMicros = retryAfterMicros;
        lease._remaining = remaining;
        lease._resetMicros = resetMicros;
        lease._returned = false;
        lease._deferred = false;
        return lease;
    }

    /// <summary>Rents an accepted lease for a decision taken by <see cref="LimitMath.TryAdmit"/>.</summary>
    public static DecisionLease RentAdmitted(in LimitParameters parameters, in LimitState committed, long now)
    {
        var lease = _cached ?? new DecisionLease();
        _cached = null;
        lease._acquired = true;
        lease._retryAfterMicros = 0;
        lease._returned = false;
        lease._deferred = true;
        lease._parameters = parameters;
        lease._state = committed;
        lease._now = now;
        return lease;
    }

    public static DecisionLease Rent(in LimitDecision decision, bool acquired) =>
        Rent(acquired, acquired ? 0 : decision.RetryAfterMicros, decision.Remaining, decision.ResetMicros);

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (metadataName == MetadataName.RetryAfter.Name && !_acquired && _retryAfterMicros != LimitDecision.Never)
        {
            metadata = RateLimitClock.ToTimeSpan(_retryAfterMicros);
            return true;
        }

        if (metadataName == RateLimitMetadata.Remaining.Name)
        {
            Materialize();
            metadata = _remaining;
            return true;
        }

        if (metadataName == RateLimitMetadata.Reset.Name)
        {
            Materialize();
            metadata = RateLimitClock.ToTimeSpan(_resetMicros);
            return true;
        }

        metadata = null;
        return false;
    }

    private void Materialize()
    {
        if (!_deferred)
        {
            return;
        }

        var decision = LimitMath.Decide(_parameters, _state, _now, 0, out _);
        _remaining = decision.Remaining;
        _resetMicros = decision.ResetMicros;
        _deferred = false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_returned)
        {
            _returned = true;
            _cached = this;
        }

        base.Dispose(disposing);
    }
}
