using System.Runtime.CompilerServices;

namespace ApiKit.RateLimiting;

/// <summary>
/// Monotonic microseconds since the clock was created, read from a <see cref="TimeProvider"/>, either exactly on every
/// read or through a shared <see cref="CoarseClock"/>.
/// </summary>
internal sealed class RateLimitClock
{
    private const long NanosecondTicksPerMicrosecond = 1000;

    // A timestamp of the provider, or with a coarse clock that clock's microseconds.
    private readonly long _origin;
    private readonly CoarseClock? _coarse;

    // When the timestamp frequency is a whole number of megahertz (1 GHz on Linux, 10 MHz for tick-based providers),
    // microseconds are one integer division away, exactly; otherwise GetElapsedTime converts.
    private readonly long _ticksPerMicrosecond;

    /// <summary>Creates a clock.</summary>
    /// <param name="timeProvider">The provider.</param>
    /// <param name="resolution">How stale a read may be; <see cref="TimeSpan.Zero"/> reads the provider every time.</param>
    public RateLimitClock(TimeProvider timeProvider, TimeSpan resolution)
    {
        TimeProvider = timeProvider;
        _coarse = resolution > TimeSpan.Zero ? CoarseClock.For(timeProvider, resolution) : null;

        // From the same source as the reads, so that no read is ever before the origin (coarse: in microseconds).
        _origin = _coarse?.NowMicros() ?? timeProvider.GetTimestamp();
        var frequency = timeProvider.TimestampFrequency;
        _ticksPerMicrosecond = frequency % 1_000_000 == 0 ? frequency / 1_000_000 : 0;
    }

    public TimeProvider TimeProvider { get; }

    // Read once per decision; with the coarse clock it is two loads, less than the call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long NowMicros()
    {
        if (_coarse is { } coarse)
        {
            return coarse.NowMicros() - _origin;
        }

        var timestamp = TimeProvider.GetTimestamp();

        // Nanosecond timestamps (Linux, macOS) divide by a constant, which the JIT turns into a multiply: a hardware
        // division costs as much as the rest of a decision's arithmetic.
        if (_ticksPerMicrosecond == NanosecondTicksPerMicrosecond)
        {
            return (timestamp - _origin) / NanosecondTicksPerMicrosecond;
        }

        return _ticksPerMicrosecond > 0
            ? (timestamp - _origin) / _ticksPerMicrosecond
            : TimeProvider.GetElapsedTime(_origin, timestamp).Ticks / TimeSpan.TicksPerMicrosecond;
    }

    public static TimeSpan ToTimeSpan(long micros) => TimeSpan.FromTicks(micros * TimeSpan.TicksPerMicrosecond);
}
