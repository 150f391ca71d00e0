namespace ApiKit.RateLimiting;

/// <summary>Monotonic microseconds since the clock was created, read from a <see cref="TimeProvider"/>.</summary>
internal sealed class RateLimitClock
{
    private readonly long _origin;

    public RateLimitClock(TimeProvider timeProvider)
    {
        TimeProvider = timeProvider;
        _origin = timeProvider.GetTimestamp();
    }

    public TimeProvider TimeProvider { get; }

    public long NowMicros() => TimeProvider.GetElapsedTime(_origin).Ticks / TimeSpan.TicksPerMicrosecond;

    public static TimeSpan ToTimeSpan(long micros) => TimeSpan.FromTicks(micros * TimeSpan.TicksPerMicrosecond);
}
