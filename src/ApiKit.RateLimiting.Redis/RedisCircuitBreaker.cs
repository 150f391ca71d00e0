namespace ApiKit.RateLimiting.Redis;

/// <summary>
/// A small circuit breaker: after <c>threshold</c> consecutive failures Redis is not called for the break duration;
/// then one probe is let through, whose success closes the circuit and whose failure opens it again. While closed, the
/// only cost is one volatile read.
/// </summary>
internal sealed class RedisCircuitBreaker(int threshold, TimeSpan breakDuration, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private volatile bool _open;
    private int _failures;
    private long _openedAt;
    private bool _probing;

    /// <summary>Whether <see cref="TryEnter"/> would let a call through now, without claiming the probe.</summary>
    public bool WouldEnter()
    {
        if (!_open)
        {
            return true;
        }

        lock (_gate)
        {
            return !_open || (!_probing && timeProvider.GetElapsedTime(_openedAt) >= breakDuration);
        }
    }

    /// <summary>Whether a call may go to Redis now; <paramref name="probe"/> tells whether it is the half-open probe.</summary>
    public bool TryEnter(out bool probe)
    {
        probe = false;
        if (!_open)
        {
            return true;
        }

        lock (_gate)
        {
            if (!_open)
            {
                return true;
            }

            if (_probing || timeProvider.GetElapsedTime(_openedAt) < breakDuration)
            {
                return false;
            }

            _probing = true;
            probe = true;
            return true;
        }
    }

    /// <summary>Records a success; returns true if it closed an open circuit.</summary>
    public bool OnSuccess()
    {
        if (!_open && Volatile.Read(ref _failures) == 0)
        {
            return false;
        }

        lock (_gate)
        {
            var closed = _open;
            _open = false;
            _probing = false;
            _failures = 0;
            return closed;
        }
    }

    /// <summary>Records a failure; returns true if it opened the circuit.</summary>
    public bool OnFailure(bool probe)
    {
        lock (_gate)
        {
            _failures++;
            if (probe || (!_open && _failures >= threshold))
            {
                var opened = !_open;
                _open = true;
                _probing = false;
                _openedAt = timeProvider.GetTimestamp();
                return opened;
            }

            return false;
        }
    }

    /// <summary>Gets how long until the next probe, for a fail-closed Retry-After.</summary>
    public TimeSpan RemainingBreak()
    {
        lock (_gate)
        {
            var left = breakDuration - timeProvider.GetElapsedTime(_openedAt);
            return _open && left > TimeSpan.Zero ? left : breakDuration;
        }
    }
}
