using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ApiKit.Webhooks;

/// <summary>Per-endpoint concurrency limit and requests-per-second window.</summary>
internal sealed class EndpointLimits(int maxConcurrency)
{
    private readonly ConcurrentDictionary<string, ConcurrencyLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    // Looked up first: a GetOrAdd whose factory captures the limit would allocate a closure on every call.
    public ValueTask<RateLimitLease> AcquireAsync(string endpointId, CancellationToken cancellationToken) =>
        (_limiters.TryGetValue(endpointId, out var limiter)
            ? limiter
            : _limiters.GetOrAdd(endpointId, static (_, max) => new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = max,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }), maxConcurrency)).AcquireAsync(1, cancellationToken);

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
