using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>A <see cref="PartitionedRateLimiter{TResource}"/> over a <see cref="KeyedLimitStore{TKey}"/>: one rule, many keys.</summary>
internal sealed class KeyedRateLimiter<TKey> : PartitionedRateLimiter<TKey>
    where TKey : notnull
{
    private readonly KeyedLimitStore<TKey> _store;
    private readonly RateLimitClock _clock;
    private readonly long _maxCost;
    private bool _disposed;

    public KeyedRateLimiter(RateLimitRule rule, RateLimitClock clock, TimeSpan evictionInterval, IEqualityComparer<TKey>? comparer)
    {
        _store = new KeyedLimitStore<TKey>(rule, clock, evictionInterval, comparer);
        _maxCost = _store.Parameters.MaxCost;
        _clock = _store.Clock;
    }

    internal KeyedLimitStore<TKey> Store => _store;

    public override RateLimiterStatistics? GetStatistics(TKey resource)
    {
        var decision = _store.Peek(resource, _clock.NowMicros());
        return new RateLimiterStatistics
        {
            // No lease totals: a counter shared by every key would be the one contended cache line the store avoids.
            CurrentAvailablePermits = decision.Remaining,
        };
    }

    protected override RateLimitLease AttemptAcquireCore(TKey resource, int permitCount)
    {
        Validate(permitCount);
        var now = _clock.NowMicros();

        // Taken before the lookup rather than under the gate: its thread-static access can then execute alongside the
        // hash and the bucket read, instead of waiting behind the gate's locked instruction.
        var lease = DecisionLease.Take();
        if (_store.TryAdmit(resource, permitCount, now, lease))
        {
            return lease;
        }

        var decision = _store.Decide(resource, permitCount, now, allowDelay: false);
        return Fill(lease, decision, decision.Allowed && decision.DelayMicros == 0);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(TKey resource, int permitCount, CancellationToken cancellationToken)
    {
        Validate(permitCount);
        if (_store.Parameters.QueueLimit == 0)
        {
            return ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));
        }

        var decision = _store.Decide(resource, permitCount, _clock.NowMicros(), allowDelay: true);
        if (!decision.Allowed || decision.DelayMicros == 0)
        {
            return ValueTask.FromResult<RateLimitLease>(Fill(DecisionLease.Take(), decision, decision.Allowed));
        }

        return WaitAsync(decision, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _store.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<RateLimitLease> WaitAsync(LimitDecision decision, CancellationToken cancellationToken)
    {
        // A cancelled wait keeps its slot: with many keys there is no cheap way to know nobody queued behind it.
        await Task.Delay(RateLimitClock.ToTimeSpan(decision.DelayMicros), _clock.TimeProvider, cancellationToken).ConfigureAwait(false);
        return DecisionLease.Rent(decision, acquired: true);
    }

    private static DecisionLease Fill(DecisionLease lease, in LimitDecision decision, bool acquired)
    {
        if (acquired)
        {
            return lease.Set(decision, acquired: true);
        }

        return decision.Allowed
            ? lease.Set(false, decision.DelayMicros, decision.Remaining, decision.ResetMicros)
            : lease.Set(decision, acquired: false);
    }

    private void Validate(int permitCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _maxCost);
    }
}
