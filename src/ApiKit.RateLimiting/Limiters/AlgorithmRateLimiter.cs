using System.Threading.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>A single-key <see cref="RateLimiter"/> running one <see cref="LimitMath"/> algorithm.</summary>
internal sealed class AlgorithmRateLimiter : RateLimiter
{
    private readonly LimitParameters _parameters;
    private readonly RateLimitClock _clock;
    // A System.Threading.Lock rather than a monitor on an object: cheaper to enter and leave uncontended, and one
    // limiter has only one, so its size does not matter (keyed entries keep the header lock to stay small).
    private readonly Lock _lock = new();
    private readonly long _maxCost;
    private LimitState _state;
    private long _successful;
    private long _failed;
    private long _sequence;
    private long _queued;
    private long _lastUsed;
    private bool _disposed;

    public AlgorithmRateLimiter(RateLimitRule rule, TimeProvider timeProvider)
    {
        _parameters = rule.ToParameters();
        _clock = new RateLimitClock(timeProvider);
        _maxCost = _parameters.MaxCost;
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            var now = _clock.NowMicros();
            lock (_lock)
            {
                return LimitMath.IsAtRest(_parameters, _state, now) ? RateLimitClock.ToTimeSpan(now - _lastUsed) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        var now = _clock.NowMicros();
        LimitDecision decision;
        long successful;
        long failed;
        lock (_lock)
        {
            decision = LimitMath.Decide(_parameters, _state, now, 0, out _);
            successful = _successful;
            failed = _failed;
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
        lock (_lock)
        {
            if (LimitMath.TryAdmit(_parameters, ref _state, now, permitCount))
            {
                _successful++;
                _lastUsed = now;
                return DecisionLease.RentAdmitted(_parameters, _state, now);
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

        return Lease(decision, acquired);
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
        lock (_lock)
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
            lock (_lock)
            {
                // Only the last reservation can be handed back: later ones were scheduled behind it, and pulling the
                // queue forward under them would let two requests leak in the same slot.
                if (_sequence == sequence)
                {
                    _state.A = Math.Max(0, _state.A - (permitCount * _parameters.WindowMicros));
                }
            }

            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }

        lock (_lock)
        {
            _successful++;
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

    private void Validate(int permitCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _maxCost);
    }
}
