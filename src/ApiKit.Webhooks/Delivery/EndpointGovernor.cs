using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ApiKit.Webhooks;

/// <summary>Per-endpoint pause after consecutive failures, so a dead endpoint stops taking attempts and workers.</summary>
/// <remarks>Meant to move onto ApiKit.Resilience's circuit breaker once that package is available.</remarks>
internal interface IEndpointCircuit
{
    bool IsPaused(string endpointId, DateTimeOffset now, out DateTimeOffset until);

    void OnSuccess(string endpointId);

    void OnFailure(string endpointId, DateTimeOffset now);
}

internal sealed class ConsecutiveFailureCircuit(int threshold, TimeSpan pause) : IEndpointCircuit
{
    private readonly ConcurrentDictionary<string, State> _states = new(StringComparer.Ordinal);

    public bool IsPaused(string endpointId, DateTimeOffset now, out DateTimeOffset until)
    {
        until = default;
        if (!_states.TryGetValue(endpointId, out var state))
        {
            return false;
        }

        lock (state)
        {
            until = state.PausedUntil;
            return state.PausedUntil > now;
        }
    }

    public void OnSuccess(string endpointId)
    {
        if (_states.TryGetValue(endpointId, out var state))
        {
            lock (state)
            {
                state.Failures = 0;
                state.PausedUntil = DateTimeOffset.MinValue;
            }
        }
    }

    public void OnFailure(string endpointId, DateTimeOffset now)
    {
        if (threshold <= 0)
        {
            return;
        }

        var state = _states.GetOrAdd(endpointId, static _ => new State());
        lock (state)
        {
            if (++state.Failures >= threshold)
            {
                // Half-open: after the pause one more failure pauses again at once.
                state.Failures = threshold - 1;
                state.PausedUntil = now + pause;
            }
        }
    }

    private sealed class State
    {
        public int Failures { get; set; }

        public DateTimeOffset PausedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}

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
