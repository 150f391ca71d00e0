namespace ApiKit.RateLimiting;

/// <summary>
/// The states of one rule for many keys, in a <see cref="KeyedTable{TKey}"/>: an open-addressing table whose slots
/// hold the key, the state and the state's gate inline. Looking up an existing key takes no lock and allocates nothing;
/// inserting a key, growing the table and evicting take the store's lock. A timer evicts entries that are at rest (a
/// full bucket, an expired window): forgetting them changes no future decision.
/// </summary>
internal sealed class KeyedLimitStore<TKey> : IDisposable
    where TKey : notnull
{
    private const int MinCapacity = 16;

    // Eviction releases the lock between chunks so inserting new keys waits for a chunk, not for the whole sweep.
    private const int EvictionChunk = 4096;

    /// <summary>
    /// The longest probe an insert accepts while string keys are hashed with <see cref="StringKeyHash"/>. At no more
    /// than 50 % load a random hash practically never pushes a key this far from home; one that does is taken for
    /// keys chosen to collide, and the table switches to the comparer's randomized hash.
    /// </summary>
    internal const int DefaultFloodProbeLimit = 512;

    /// <summary>
    /// How many other keys with the key's very tag (all 32 bits) an insert may pass while string keys are hashed with
    /// <see cref="StringKeyHash"/>: random tags practically never repeat among the few keys near a home, so more is
    /// taken for a flood too, long before the probe limit (whose random spread is wide) would notice.
    /// </summary>
    internal const int FloodSameTagLimit = 8;

    private static long _nextOrdinal;
    private readonly Lock _sync = new();
    private readonly IEqualityComparer<TKey>? _comparer;
    private readonly ITimer? _evictionTimer;
    private readonly int _floodProbeLimit;
    private volatile KeyedTable<TKey> _table;

    // Both under _sync. _used counts live and tombstone buckets of the current table: tombstones lengthen probes
    // like live keys until a rehash drops them.
    private int _count;
    private int _used;

    public KeyedLimitStore(
        RateLimitRule rule,
        RateLimitClock clock,
        TimeSpan evictionInterval,
        IEqualityComparer<TKey>? comparer = null,
        int floodProbeLimit = DefaultFloodProbeLimit)
    {
        Rule = rule;
        Parameters = rule.ToParameters();
        Clock = clock;
        Ordinal = Interlocked.Increment(ref _nextOrdinal);

        // Value types without a comparer use EqualityComparer<TKey>.Default directly, which the JIT devirtualizes.
        _comparer = typeof(TKey).IsValueType && (comparer is null || ReferenceEquals(comparer, EqualityComparer<TKey>.Default))
            ? null
            : comparer ?? EqualityComparer<TKey>.Default;
        _floodProbeLimit = floodProbeLimit;

        // The runtime's string comparers that compare ordinally (the default one and Ordinal) can be replaced by the
        // cheaper seeded hash; any other comparer defines its own equality, so its hash is the only right one.
        var fastStrings = typeof(TKey) == typeof(string)
            && (ReferenceEquals(_comparer, EqualityComparer<string>.Default) || ReferenceEquals(_comparer, StringComparer.Ordinal));
        _table = new KeyedTable<TKey>(MinCapacity, _comparer, fastStrings);
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

    /// <summary>Gets a process-wide order; gates of several stores are always taken in ascending ordinal.</summary>
    public long Ordinal { get; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets the current table's number of buckets (for tests of growth and shrinking).</summary>
    internal int Capacity => _table.Capacity;

    /// <summary>Gets whether string keys are hashed with <see cref="StringKeyHash"/> (for tests of the switch to the comparer's hash).</summary>
    internal bool FastStrings => _table.FastStrings;

    /// <summary>Finds or adds the key's slot, holding nothing on return; see <see cref="KeyedEntry{TKey}.TryEnter"/>.</summary>
    public KeyedEntry<TKey> GetEntry(TKey key)
    {
        var table = Enter(key, out var index);
        table.Slots[index].Guard.Gate.Exit();
        return new KeyedEntry<TKey>(table, index);
    }

    /// <summary>Decides and, when allowed (and not delayed, unless <paramref name="allowDelay"/>), commits, for one key.</summary>
    public LimitDecision Decide(TKey key, long cost, long now, bool allowDelay)
    {
        var table = Enter(key, out var index);
        ref var slot = ref table.Slots[index];
        try
        {
            var decision = LimitMath.Decide(Parameters, slot.State, now, cost, out var next);
            if (decision.Allowed && (allowDelay || decision.DelayMicros == 0))
            {
                LimitMath.Commit(Parameters, ref slot.State, next, now, cost);
            }

            return decision;
        }
        finally
        {
            slot.Guard.Gate.Exit();
        }
    }

    /// <summary>Decides a zero-cost request without committing anything: what the key has left.</summary>
    public LimitDecision Peek(TKey key, long now)
    {
        var table = Enter(key, out var index);
        ref var slot = ref table.Slots[index];
        try
        {
            return LimitMath.Decide(Parameters, slot.State, now, 0, out _);
        }
        finally
        {
            slot.Guard.Gate.Exit();
        }
    }

    /// <summary>
    /// The accept path of <see cref="Decide"/>: admits and commits when <see cref="LimitMath.TryAdmit"/> does, and
    /// fills <paramref name="lease"/>; <see langword="false"/> (state and lease untouched) sends the caller to the full path.
    /// </summary>
    public bool TryAdmit(TKey key, long cost, long now, DecisionLease lease)
    {
        var table = Enter(key, out var index);
        ref var slot = ref table.Slots[index];
        try
        {
            if (!LimitMath.TryAdmit(Parameters, ref slot.State, now, cost))
            {
                return false;
            }

            lease.SetAdmitted(Parameters, slot.State, now);
            return true;
        }
        finally
        {
            slot.Guard.Gate.Exit();
        }
    }

    /// <summary>Removes every entry at rest, then shrinks the table if it is mostly empty; returns how many were removed.</summary>
    public int Evict()
    {
        var now = Clock.NowMicros();
        var removed = 0;
        for (var start = 0; ; start += EvictionChunk)
        {
            lock (_sync)
            {
                // A rehash between chunks renumbers the slots; the sweep goes on in the new table, and whatever it
                // skips is at rest again at the next tick.
                var table = _table;
                if (start >= table.HandedOut)
                {
                    // Below a sixteenth, not the quarter at which a table doubles: a table that has just doubled
                    // (a little over an eighth live) must not shrink back at the next eviction tick.
                    if (table.Capacity > MinCapacity && _count < table.Capacity / 16)
                    {
                        Rehash(CapacityFor(_count), table.FastStrings);
                    }

                    return removed;
                }

                var end = Math.Min(table.HandedOut, start + EvictionChunk);
                for (var i = start; i < end; i++)
                {
                    ref var slot = ref table.Slots[i];
                    if (slot.Guard.Tag >= 0)
                    {
                        continue;
                    }

                    slot.Guard.Gate.Enter();
                    if (LimitMath.IsAtRest(Parameters, slot.State, now))
                    {
                        table.Remove(i);
                        _count--;
                        removed++;
                    }

                    slot.Guard.Gate.Exit();
                }
            }
        }
    }

    public void Dispose() => _evictionTimer?.Dispose();

    /// <summary>Returns the table whose slot <paramref name="index"/> holds the key, with the slot's gate held.</summary>
    private KeyedTable<TKey> Enter(TKey key, out int index)
    {
        var table = _table;
        var tag = table.TagOf(key);
        index = table.TryEnter(key, tag);
        return index >= 0 ? table : EnterSlow(key, table, tag, out index);
    }

    private KeyedTable<TKey> EnterSlow(TKey key, KeyedTable<TKey> seen, int tag, out int index)
    {
        lock (_sync)
        {
            // Absent from the table read before the lock, or moved by a rehash since: look in the current one.
            var table = _table;
            if (table.FastStrings != seen.FastStrings)
            {
                tag = table.TagOf(key);
            }

            index = table.TryEnter(key, tag);
            if (index >= 0)
            {
                return table;
            }

            // Room for one more bucket (live or tombstone) means room for one more live slot too.
            if (_used + 1 > KeyedTable<TKey>.MaxUsed(table.Capacity))
            {
                table = Rehash(_count + 1 > table.Capacity / 4 ? table.Capacity * 2 : table.Capacity, table.FastStrings);
            }

            var (maxProbe, maxSameTag) = table.FastStrings ? (_floodProbeLimit, FloodSameTagLimit) : (int.MaxValue, int.MaxValue);
            index = table.TryInsertAndEnter(key, tag, maxProbe, maxSameTag, out var tookEmpty);
            if (index < 0)
            {
                table = Rehash(table.Capacity, fastStrings: false);
                tag = table.TagOf(key);
                index = table.TryInsertAndEnter(key, tag, int.MaxValue, int.MaxValue, out tookEmpty);
            }

            _count++;
            if (tookEmpty)
            {
                _used++;
            }

            return table;
        }
    }

    /// <summary>
    /// Under the lock: copies every live slot, in slot order, into a new table of <paramref name="capacity"/> buckets
    /// (hashing strings with <see cref="StringKeyHash"/> if <paramref name="fastStrings"/>) and publishes it. Each old
    /// slot is copied under its gate and loses its tag, so a decision on the old table either lands before the copy or
    /// fails its check under the gate and looks again (and waits for the lock until the new table is out).
    /// </summary>
    private KeyedTable<TKey> Rehash(int capacity, bool fastStrings)
    {
        var old = _table;
        var fresh = new KeyedTable<TKey>(capacity, _comparer, fastStrings);
        var retag = fresh.FastStrings != old.FastStrings;
        for (var i = 0; i < old.HandedOut; i++)
        {
            ref var slot = ref old.Slots[i];
            if (slot.Guard.Tag >= 0)
            {
                continue;
            }

            slot.Guard.Gate.Enter();
            fresh.Place(slot, retag);
            slot.Guard.Tag = 0;
            slot.Guard.Gate.Exit();
        }

        _used = _count;
        _table = fresh;
        return fresh;
    }

    /// <summary>The smallest capacity that holds <paramref name="count"/> keys at no more than 25 % load (half of the most).</summary>
    private static int CapacityFor(int count)
    {
        var capacity = MinCapacity;
        while (count > capacity / 4)
        {
            capacity *= 2;
        }

        return capacity;
    }
}
