using System.Runtime.CompilerServices;

namespace ApiKit.RateLimiting;

/// <summary>
/// Microseconds of a <see cref="TimeProvider"/> since the clock was created, cached in a field and refreshed by a timer
/// every <see cref="Resolution"/>, shared by every limiter of the same provider and resolution. Reading the monotonic
/// clock costs more than a whole in-memory decision (a vDSO call, tens of nanoseconds on virtual machines); reading
/// this clock costs two field loads, and the conversion to microseconds is done once per tick, not per decision.
/// </summary>
/// <remarks>
/// The timer only runs while the clock is read: a tick that finds no read since the previous tick stops it, and the
/// next read after that takes the exact time and starts it again. So an idle clock costs nothing, a limiter that is
/// abandoned without being disposed keeps no timer alive, and a read that follows a quiet period is exact. While
/// running, the value lags the provider by at most one resolution plus the timer's lateness, and it never moves
/// backwards. A limiter reading it decides exactly as the exact algorithm would for a request stamped that much
/// earlier: a token arrives, a window ends and a Retry-After elapses up to one resolution late; and since two
/// decisions may be stamped with different lags, over any real interval of length L a limiter admits at most what the
/// exact one admits over L plus one resolution (the BCL limiters' own granularity is their replenishment period).
/// </remarks>
internal sealed class CoarseClock
{
    private const int Stopped = 0;
    private const int Running = 1;
    private const int ReadSinceTick = 2;

    private static readonly ConditionalWeakTable<TimeProvider, List<CoarseClock>> Clocks = new();

    private readonly TimeProvider _timeProvider;
    private readonly ITimer _timer;
    private readonly long _origin;
    private readonly long _ticksPerMicrosecond;
    private long _micros;
    private int _state;

    private CoarseClock(TimeProvider timeProvider, TimeSpan resolution)
    {
        _timeProvider = timeProvider;
        Resolution = resolution;
        _origin = timeProvider.GetTimestamp();
        var frequency = timeProvider.TimestampFrequency;
        _ticksPerMicrosecond = frequency % 1_000_000 == 0 ? frequency / 1_000_000 : 0;

        // The timer outlives whichever request happened to create the clock: it must not capture that request's
        // ExecutionContext (AsyncLocals, the current Activity).
        var suppressed = ExecutionContext.IsFlowSuppressed();
        if (!suppressed)
        {
            ExecutionContext.SuppressFlow();
        }

        try
        {
            _timer = timeProvider.CreateTimer(static state => ((CoarseClock)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            if (!suppressed)
            {
                ExecutionContext.RestoreFlow();
            }
        }
    }

    public TimeSpan Resolution { get; }

    /// <summary>Gets the clock shared by every limiter of <paramref name="timeProvider"/> with this resolution.</summary>
    public static CoarseClock For(TimeProvider timeProvider, TimeSpan resolution)
    {
        var clocks = Clocks.GetValue(timeProvider, static _ => []);
        lock (clocks)
        {
            foreach (var clock in clocks)
            {
                if (clock.Resolution == resolution)
                {
                    return clock;
                }
            }

            var created = new CoarseClock(timeProvider, resolution);
            clocks.Add(created);
            return created;
        }
    }

    /// <summary>Gets the microseconds since this clock was created, no older than about one resolution.</summary>
    public long NowMicros()
    {
        // The common case writes nothing: every reader keeps the line holding both fields in its cache, and only the
        // first read after each tick (once per resolution) marks the clock as in use.
        if (Volatile.Read(ref _state) == ReadSinceTick)
        {
            return Volatile.Read(ref _micros);
        }

        return NowMicrosSlow();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long NowMicrosSlow()
    {
        if (Interlocked.CompareExchange(ref _state, ReadSinceTick, Running) != Stopped)
        {
            return Volatile.Read(ref _micros);
        }

        // Stopped: the cached value may be arbitrarily old, so this read is exact, and it starts the timer.
        var now = Publish(ExactMicros());
        if (Interlocked.CompareExchange(ref _state, ReadSinceTick, Stopped) == Stopped)
        {
            _timer.Change(Resolution, Timeout.InfiniteTimeSpan);
        }

        return now;
    }

    private long ExactMicros()
    {
        var now = _timeProvider.GetTimestamp();
        return _ticksPerMicrosecond > 0
            ? (now - _origin) / _ticksPerMicrosecond
            : _timeProvider.GetElapsedTime(_origin, now).Ticks / TimeSpan.TicksPerMicrosecond;
    }

    private void Tick()
    {
        Publish(ExactMicros());
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == ReadSinceTick)
            {
                if (Interlocked.CompareExchange(ref _state, Running, ReadSinceTick) == ReadSinceTick)
                {
                    // One-shot and re-armed rather than periodic: a periodic timer would also fire for a clock nobody
                    // reads, and a manual clock advanced by an hour would fire it millions of times.
                    _timer.Change(Resolution, Timeout.InfiniteTimeSpan);
                    return;
                }
            }
            else if (state == Stopped || Interlocked.CompareExchange(ref _state, Stopped, Running) == Running)
            {
                return;
            }
        }
    }

    // Ticks and exact reads may publish out of order; the clock keeps the largest value so it never moves backwards.
    private long Publish(long micros)
    {
        var current = Volatile.Read(ref _micros);
        while (micros > current)
        {
            var seen = Interlocked.CompareExchange(ref _micros, micros, current);
            if (seen == current)
            {
                return micros;
            }

            current = seen;
        }

        return current;
    }
}
