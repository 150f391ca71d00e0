using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>A single-key <see cref="RateLimiter"/> running one <see cref="LimitMath"/> algorithm.</summary>
/// <remarks>
/// Every accepted <c>AttemptAcquire</c> returns the same lease, as the BCL limiters do: a lease per decision (even one
/// recycled through a thread-static slot) costs a noticeable share of a decision that is otherwise a lock and a few
/// additions. Its <see cref="RateLimitMetadata"/> describe the limiter when they are read, which for a caller reading
/// them right after the decision are the decision's own numbers. Rejections and shaping-queue leases stay snapshots.
/// </remarks>
internal sealed class AlgorithmRateLimiter : RateLimiter
{
    private readonly LimitParameters _parameters;
    private readonly RateLimitClock _clock;
    // Every critical section is a few dozen instructions of integer arithmetic (a sliding log may grow its array).
    private SpinGate _gate;
    private readonly long _maxCost;
    private readonly AcquiredLease _acquiredLease;
    private LimitState _state;
    private long _successful;
    private long _failed;
    private long _sequence;
    private long _queued;
    private long _lastUsed;
    private bool _disposed;

    public AlgorithmRateLimiter(RateLimitRule rule, RateLimitClock clock)
    {
        _parameters = rule.ToParameters();
        _clock = clock;
        _maxCost = _parameters.MaxCost;
        _acquiredLease = new AcquiredLease(this);
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            var now = _clock.NowMicros();
            _gate.Enter();
            try
            {
                return LimitMath.IsAtRest(_parameters, _state, now) ? RateLimitClock.ToTimeSpan(now - _lastUsed) : null;
            }
            finally
            {
                _gate.Exit();
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        var now = _clock.NowMicros();
        LimitDecision decision;
        long successful;
        long failed;
        _gate.Enter();
        try
        {
            decision = LimitMath.Decide(_parameters, _state, now, 0, out _);
            successful = _successful;
            failed = _failed;
        }
        finally
        {
            _gate.Exit();
        }

        return new RateLimiterStatistics
        {
            CurrentAvailablePermits = decision.Remaining,
            CurrentQueuedCount = Volatile.Read(ref _queued),
            TotalSuccessfulLeases = successful,
            TotalFailedLeases = failed,
        };
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Validate(permitCount);
        var now = _clock.NowMicros();
        LimitDecision decision;
        bool acquired;
        _gate.Enter();
        try
        {
            if (LimitMath.TryAdmit(_parameters, ref _state, now, permitCount))
            {
                _successful++;
                _lastUsed = now;
                return _acquiredLease;
            }

            decision = LimitMath.Decide(_parameters, _state, now, permitCount, out var next);
            acquired = decision.Allowed && decision.DelayMicros == 0;
            if (acquired)
            {
                LimitMath.Commit(_parameters, ref _state, next, now, permitCount);
                _successful++;
            }
            else
            {
                _failed++;
            }

            _lastUsed = now;
        }
        finally
        {
            _gate.Exit();
        }

        return acquired ? _acquiredLease : Lease(decision, acquired: false);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (_parameters.QueueLimit == 0)
        {
            return ValueTask.FromResult(AttemptAcquireCore(permitCount));
        }

        Validate(permitCount);
        var now = _clock.NowMicros();
        LimitDecision decision;
        long sequence;
        _gate.Enter();
        try
        {
            decision = LimitMath.Decide(_parameters, _state, now, permitCount, out var next);
            if (decision.Allowed)
            {
                LimitMath.Commit(_parameters, ref _state, next, now, permitCount);
            }

            sequence = ++_sequence;
            _lastUsed = now;
            if (!decision.Allowed)
            {
                _failed++;
            }
            else if (decision.DelayMicros == 0)
            {
                _successful++;
            }
        }
        finally
        {
            _gate.Exit();
        }

        if (!decision.Allowed || decision.DelayMicros == 0)
        {
            return ValueTask.FromResult<RateLimitLease>(Lease(decision, decision.Allowed));
        }

        return WaitAsync(decision, permitCount, sequence, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    private async ValueTask<RateLimitLease> WaitAsync(LimitDecision decision, int permitCount, long sequence, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queued);
        try
        {
            await Task.Delay(RateLimitClock.ToTimeSpan(decision.DelayMicros), _clock.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _gate.Enter();
            try
            {
                // Only the last reservation can be handed back: later ones were scheduled behind it, and pulling the
                // queue forward under them would let two requests leak in the same slot.
                if (_sequence == sequence)
                {
                    _state.A = Math.Max(0, _state.A - (permitCount * _parameters.WindowMicros));
                }
            }
            finally
            {
                _gate.Exit();
            }

            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }

        _gate.Enter();
        try
        {
            _successful++;
        }
        finally
        {
            _gate.Exit();
        }

        return DecisionLease.Rent(decision, acquired: true);
    }

    // Counters are updated under the entry's lock, which every decision holds anyway.
    private static DecisionLease Lease(in LimitDecision decision, bool acquired)
    {
        if (acquired)
        {
            return DecisionLease.Rent(decision, acquired: true);
        }

        // Admitted into a shaping queue but asked synchronously: the wait is the retry-after.
        return decision.Allowed
            ? DecisionLease.Rent(false, decision.DelayMicros, decision.Remaining, decision.ResetMicros)
            : DecisionLease.Rent(decision, acquired: false);
    }

    private LimitDecision Current()
    {
        var now = _clock.NowMicros();
        _gate.Enter();
        try
        {
            return LimitMath.Decide(_parameters, _state, now, 0, out _);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void Validate(int permitCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _maxCost);
    }

    /// <summary>The lease of every accepted <c>AttemptAcquire</c>; shared, so disposing it does nothing.</summary>
    private sealed class AcquiredLease(AlgorithmRateLimiter limiter) : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => DecisionLease.AcquiredNames;

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == RateLimitMetadata.Remaining.Name)
            {
                metadata = limiter.Current().Remaining;
                return true;
            }

            if (metadataName == RateLimitMetadata.Reset.Name)
            {
                metadata = RateLimitClock.ToTimeSpan(limiter.Current().ResetMicros);
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
