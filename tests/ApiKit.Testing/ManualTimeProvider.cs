namespace ApiKit.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock only moves when a test says so. Timers created through it
/// fire synchronously, in due-time order, on the thread that calls <see cref="Advance"/>.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>The instant a provider created with the parameterless constructor starts at.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();

    // Serialises whole Advance calls: each computes its target from the clock it finds, so concurrent advances add
    // up and the clock never moves backwards. Lock is re-entrant, so a timer callback may advance the clock too.
    private readonly Lock _advanceGate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private TimeZoneInfo _localTimeZone = TimeZoneInfo.Utc;

    /// <summary>Creates a provider starting at <see cref="DefaultStart"/>.</summary>
    public ManualTimeProvider()
        : this(DefaultStart)
    {
    }

    /// <summary>Creates a provider starting at <paramref name="start"/>.</summary>
    public ManualTimeProvider(DateTimeOffset start) => _now = start.ToUniversalTime();

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => _localTimeZone;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Gets the number of timers that are scheduled to fire.</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _now.UtcTicks;
        }
    }

    /// <summary>Sets the zone that <see cref="LocalTimeZone"/> reports.</summary>
    public void SetLocalTimeZone(TimeZoneInfo zone) => _localTimeZone = zone ?? throw new ArgumentNullException(nameof(zone));

    /// <summary>Moves the clock to <paramref name="value"/>, firing every timer that falls due on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value lies before the current time.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        var delta = value - GetUtcNow();
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero, nameof(value));
        Advance(delta);
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="delta"/>. Timers due within that span fire one by one
    /// with the clock set to their own due time, so callbacks observe the instant they were scheduled for.
    /// </summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_advanceGate)
        {
            DateTimeOffset target;
            lock (_gate)
            {
                target = _now + delta;
            }

            while (true)
            {
                ManualTimer? next;
                lock (_gate)
                {
                    next = _timers
                        .Where(t => t.DueAt is { } due && due <= target)
                        .OrderBy(t => t.DueAt)
                        .ThenBy(t => t.Sequence)
                        .FirstOrDefault();
                    if (next is null)
                    {
                        _now = target;
                        return;
                    }

                    _now = next.DueAt!.Value;
                    next.Reschedule(_now);
                }

                next.Fire();
            }
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void FireDueNow() => Advance(TimeSpan.Zero);

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private static long s_sequence;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public DateTimeOffset? DueAt { get; private set; }

        public long Sequence { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (_disposed)
                {
                    return false;
                }

                if (!owner._timers.Contains(this))
                {
                    owner._timers.Add(this);
                }

                _period = period;
                Sequence = Interlocked.Increment(ref s_sequence);
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
            }

            if (dueTime == TimeSpan.Zero)
            {
                owner.FireDueNow();
            }

            return true;
        }

        public void Reschedule(DateTimeOffset now)
        {
            DueAt = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : now + _period;
            Sequence = Interlocked.Increment(ref s_sequence);
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                _disposed = true;
                DueAt = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
