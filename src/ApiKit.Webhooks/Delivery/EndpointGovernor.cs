using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ApiKit.Webhooks;

/// <summary>Per-endpoint concurrency limit and requests-per-second window.</summary>
internal sealed class EndpointLimits(int maxConcurrency)
{
    private readonly ConcurrentDictionary<string, ConcurrencyLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public ValueTask<RateLimitLease> AcquireAsync(string endpointId, CancellationToken cancellationToken) =>
        _limiters.GetOrAdd(endpointId, _ => new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxConcurrency,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        })).AcquireAsync(1, cancellationToken);

    /// <summary>Takes one slot of the current one-second window; when full, says when the next window opens.</summary>
    public bool TryTakeRate(string endpointId, int? perSecond, DateTimeOffset now, out DateTimeOffset retryAt)
    {
        retryAt = default;
        if (perSecond is not { } limit)
        {
            return true;
        }

        var window = _windows.GetOrAdd(endpointId, static _ => new Window());
        var second = now.ToUnixTimeSeconds();
        lock (window)
        {
            if (window.Second != second)
            {
                window.Second = second;
                window.Count = 0;
            }

            if (window.Count < limit)
            {
                window.Count++;
                return true;
            }
        }

        retryAt = DateTimeOffset.FromUnixTimeSeconds(second + 1);
        return false;
    }

    private sealed class Window
    {
        public long Second { get; set; }

        public int Count { get; set; }
    }
}
