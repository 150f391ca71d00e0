namespace ApiKit.RateLimiting;

/// <summary>Monotonic microseconds since the clock was created, read from a <see cref="TimeProvider"/>.</summary>
internal sealed class RateLimitClock
{
    private const long NanosecondTicksPerMicrosecond = 1000;

    private readonly long _origin;

    // When the timestamp frequency is a whole number of megahertz (1 GHz on Linux, 10 MHz for tick-based providers),
    // microseconds are one integer division away, exactly; otherwise GetElapsedTime converts.
    private readonly long _ticksPerMicrosecond;

    public RateLimitClock(TimeProvider timeProvider)
    {
        TimeProvider = timeProvider;
        _origin = timeProvider.GetTimestamp();
        var frequency = timeProvider.TimestampFrequency;
        _ticksPerMicrosecond = frequency % 1_000_000 == 0 ? frequency / 1_000_000 : 0;
    }

    public TimeProvider TimeProvider { get; }

    public long NowMicros()
    {
        // Nanosecond timestamps (Linux, macOS) divide by a constant, which the JIT turns into a multiply: a hardware
        // division costs as much as the rest of a decision's arithmetic.
        if (_ticksPerMicrosecond == NanosecondTicksPerMicrosecond)
        {
            return (TimeProvider.GetTimestamp() - _origin) / NanosecondTicksPerMicrosecond;
        }

        return _ticksPerMicrosecond > 0
            ? (TimeProvider.GetTimestamp() - _origin) / _ticksPerMicrosecond
            : TimeProvider.GetElapsedTime(_origin).Ticks / TimeSpan.TicksPerMicrosecond;
    }

    public static TimeSpan ToTimeSpan(long micros) => TimeSpan.FromTicks(micros * TimeSpan.TicksPerMicrosecond);
}
