using System.Collections.Concurrent;

namespace ApiKit.RateLimiting;

/// <summary>
/// The states of one rule for many keys: a <see cref="ConcurrentDictionary{TKey, TValue}"/> of small entries, each
/// updated under its own lock. Looking up an existing key and deciding allocates nothing. A timer evicts entries that
/// are at rest (a full bucket, an expired window): forgetting them changes no future decision.
/// </summary>
internal sealed class KeyedLimitStore<TKey> : IDisposable
    where TKey : notnull
{
    private static long _nextOrdinal;
    private readonly ConcurrentDictionary<TKey, LimitEntry> _entries;
    private readonly ITimer? _evictionTimer;

    public KeyedLimitStore(RateLimitRule rule, RateLimitClock clock, TimeSpan evictionInterval, IEqualityComparer<TKey>? comparer = null)
    {
        Rule = rule;
        Parameters = rule.ToParameters();
        Clock = clock;
        Ordinal = Interlocked.Increment(ref _nextOrdinal);
        _entries = new ConcurrentDictionary<TKey, LimitEntry>(comparer);
        if (evictionInterval > TimeSpan.Zero && evictionInterval != Timeout.InfiniteTimeSpan)
        {
            // A weak reference would be nicer for abandoned stores; owners dispose the store instead.
            _evictionTimer = clock.TimeProvider.CreateTimer(static s => ((KeyedLimitStore<TKey>)s!).Evict(), this, evictionInterval, evictionInterval);
        }
    }

    public RateLimitRule Rule { get; }

    // A field, not a property: the algorithms take it by reference, and a property would copy it on every decision.
    public readonly LimitParameters Parameters;

    public RateLimitClock Clock { get; }

    /// <summary>Gets a process-wide order; locks of several stores are always taken in ascending ordinal.</summary>
    public long Ordinal { get; }

    public int Count => _entries.Count;

    public LimitEntry GetEntry(TKey key) =>
        _entries.TryGetValue(key, out var entry) ? entry : _entries.GetOrAdd(key, static _ => new LimitEntry());

    /// <summary>Decides and, when allowed (and not delayed, unless <paramref name="allowDelay"/>), commits, for one key.</summary>
    public LimitDecision Decide(TKey key, long cost, long now, bool allowDelay)
    {
        while (true)
        {
            var entry = GetEntry(key);
            entry.Gate.Enter();
            try
            {
                if (entry.Evicted)
                {
                    continue;
                }

                var decision = LimitMath.Decide(Parameters, entry.State, now, cost, out var next);
                if (decision.Allowed && (allowDelay || decision.DelayMicros == 0))
                {
                    LimitMath.Commit(Parameters, ref entry.State, next, now, cost);
                }

                return decision;
            }
            finally
            {
                entry.Gate.Exit();
            }
        }
    }

    /// <summary>
    /// The accept path of <see cref="Decide"/>: admits and commits when <see cref="LimitMath.TryAdmit"/> does, and
    /// returns the lease; <see langword="null"/> (state untouched) sends the caller to the full path.
    /// </summary>
    public DecisionLease? TryAdmit(TKey key, long cost, long now)
    {
        while (true)
        {
            var entry = GetEntry(key);
            entry.Gate.Enter();
            try
            {
                if (entry.Evicted)
                {
                    continue;
                }

                return LimitMath.TryAdmit(Parameters, ref entry.State, now, cost)
                    ? DecisionLease.RentAdmitted(Parameters, entry.State, now)
                    : null;
            }
            finally
            {
                entry.Gate.Exit();
            }
        }
    }

    /// <summary>Removes every entry at rest; returns how many were removed.</summary>
    public int Evict()
    {
        var now = Clock.NowMicros();
        var removed = 0;
        foreach (var pair in _entries)
        {
            var entry = pair.Value;
            entry.Gate.Enter();
            try
            {
                if (!entry.Evicted && LimitMath.IsAtRest(Parameters, entry.State, now) && _entries.TryRemove(pair))
                {
                    entry.Evicted = true;
                    removed++;
                }
            }
            finally
            {
                entry.Gate.Exit();
            }
        }

        return removed;
    }

    public void Dispose() => _evictionTimer?.Dispose();
}
