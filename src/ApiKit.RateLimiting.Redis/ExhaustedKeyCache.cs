using System.Collections.Concurrent;

namespace ApiKit.RateLimiting.Redis;

/// <summary>
/// Keys Redis said are exhausted, until their retry-after (measured on this node's monotonic clock; only a duration
/// crosses machines). Requests for them are refused without a round trip. Bounded: when full it starts over, which
/// costs at most one round trip per key.
/// </summary>
internal sealed class ExhaustedKeyCache(int capacity, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, long> _until = new(StringComparer.Ordinal);

    public bool Enabled => capacity > 0;

    /// <summary>Returns the time left before <paramref name="key"/> may be tried again, or zero.</summary>
    public TimeSpan Remaining(string key)
    {
        if (!_until.TryGetValue(key, out var until))
        {
            return TimeSpan.Zero;
        }

        var now = timeProvider.GetTimestamp();
        if (now >= until)
        {
            _until.TryRemove(new KeyValuePair<string, long>(key, until));
            return TimeSpan.Zero;
        }

        return timeProvider.GetElapsedTime(now, until);
    }

    public void Add(string key, TimeSpan retryAfter)
    {
        if (!Enabled || retryAfter <= TimeSpan.Zero)
        {
            return;
        }

        if (_until.Count >= capacity)
        {
            _until.Clear();
        }

        var ticks = (long)(retryAfter.TotalSeconds * timeProvider.TimestampFrequency);
        _until[key] = timeProvider.GetTimestamp() + ticks;
    }
}
