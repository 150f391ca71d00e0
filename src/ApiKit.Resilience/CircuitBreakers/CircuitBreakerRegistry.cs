using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ApiKit.Resilience.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiKit.Resilience.CircuitBreakers;

/// <summary>
/// Per-key circuit breakers (for example one per downstream authority or webhook endpoint), created on first use
/// and listable for health checks and dashboards. Thread-safe; a key always maps to the same breaker.
/// </summary>
public sealed class CircuitBreakerRegistry
{
    private static readonly ConditionalWeakTable<CircuitBreakerRegistry, object?> Registries = [];
    private static readonly ObservableGauge<int> StateGauge = ResilienceTelemetry.Meter.CreateObservableGauge(
        "apikit.resilience.circuit_breaker.state",
        ObserveStates,
        unit: "{state}",
        description: "State of every registered circuit breaker: 0 closed, 1 open, 2 half-open, 3 isolated.");

    private readonly ConcurrentDictionary<string, CircuitBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly Lock _addLock = new();
    private readonly Func<string, CircuitBreakerOptions> _optionsFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates a registry.</summary>
    /// <param name="optionsFactory">Gives the options of the breaker for a key; defaults when <see langword="null"/>. The name is set to the key.</param>
    /// <param name="timeProvider">The clock of the breakers.</param>
    /// <param name="loggerFactory">The logger factory of the breakers.</param>
    public CircuitBreakerRegistry(Func<string, CircuitBreakerOptions>? optionsFactory = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        _optionsFactory = optionsFactory ?? (static _ => new CircuitBreakerOptions());
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CircuitBreaker>();
        Registries.Add(this, null);
        _ = StateGauge;
    }

    /// <summary>Gets the number of breakers.</summary>
    public int Count => _breakers.Count;

    /// <summary>Gets every breaker, in no particular order.</summary>
    public IEnumerable<CircuitBreaker> Breakers => _breakers.Values;

    /// <summary>Returns the breaker of <paramref name="key"/>, creating it from the registry's options factory on first use.</summary>
    /// <param name="key">The key, for example <c>payments.example.com:443</c>.</param>
    /// <returns>The breaker.</returns>
    public CircuitBreaker GetOrAdd(string key) =>
        _breakers.TryGetValue(key, out var breaker) ? breaker : Add(key, _optionsFactory(key));

    /// <summary>Returns the breaker of <paramref name="key"/>, creating it from <paramref name="options"/> on first use.</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">The options used if the breaker does not exist yet; its name is set to the key.</param>
    /// <returns>The breaker.</returns>
    public CircuitBreaker GetOrAdd(string key, CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _breakers.TryGetValue(key, out var breaker) ? breaker : Add(key, options);
    }

    /// <summary>Gets the breaker of <paramref name="key"/> if it exists.</summary>
    /// <param name="key">The key.</param>
    /// <param name="breaker">The breaker.</param>
    /// <returns>Whether it exists.</returns>
    public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CircuitBreaker? breaker) => _breakers.TryGetValue(key, out breaker);

    /// <summary>Forgets the breaker of <paramref name="key"/>; the next <see cref="GetOrAdd(string)"/> creates a fresh one.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether a breaker was removed.</returns>
    public bool Remove(string key) => _breakers.TryRemove(key, out _);

    /// <summary>Returns a snapshot of every breaker, ordered by name.</summary>
    /// <returns>The snapshots.</returns>
    public IReadOnlyList<CircuitBreakerSnapshot> GetSnapshots() =>
        [.. _breakers.Values.Select(b => b.GetSnapshot()).OrderBy(s => s.Name, StringComparer.Ordinal)];

    private CircuitBreaker Add(string key, CircuitBreakerOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);

        // A breaker attaches to shared state in its constructor, so two racing creators must not both build one.
        lock (_addLock)
        {
            if (!_breakers.TryGetValue(key, out var breaker))
            {
                breaker = new CircuitBreaker(options.WithName(key), _timeProvider, _logger);
                _breakers[key] = breaker;
            }

            return breaker;
        }
    }

    private static IEnumerable<Measurement<int>> ObserveStates()
    {
        foreach (var (registry, _) in Registries)
        {
            foreach (var breaker in registry._breakers.Values)
            {
                yield return new((int)breaker.State, new KeyValuePair<string, object?>("apikit.resilience.circuit_breaker.name", breaker.Name));
            }
        }
    }
}
