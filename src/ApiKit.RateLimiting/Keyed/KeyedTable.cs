using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ApiKit.RateLimiting;

/// <summary>
/// One key's slot: the key, its state, the gate that guards them and the key's tag, inline in the table's dense array
/// (64 bytes), so a decision on a known key reads one slot besides the bucket that points to it, instead of a
/// dictionary node and a separate entry.
/// </summary>
internal struct KeyedSlot<TKey>
{
    public TKey Key;

    public LimitState State;

    public KeyedSlotGuard Guard;
}

/// <summary>
/// A slot's tag and gate. Together in one struct because the runtime lays out a struct with references on its own
/// terms: as separate fields it put the tag before the state and padded both (72 bytes); as one struct after the state
/// they fill the slot's last 8 bytes, so the key and the tag, which a lookup reads first, sit at opposite ends of the
/// slot and its two cache lines load together.
/// </summary>
internal struct KeyedSlotGuard
{
    /// <summary>The key's tag while the slot is live (always negative), 0 once it is free.</summary>
    public int Tag;

    /// <summary>Guards the slot's key, state and tag.</summary>
    public SpinGate Gate;
}

/// <summary>
/// One generation of a <see cref="KeyedLimitStore{TKey}"/>'s table. <see cref="Buckets"/> is an open-addressing array
/// (linear probing, power-of-two capacity) of 4-byte words, each empty, a tombstone, or a live key's slot index (in
/// the low bits, plus 2) under a fingerprint of its tag (the tag's low bits, in the high bits); <see cref="Slots"/> is
/// dense and filled in insertion order, so keys first seen together sit together (as the BCL dictionary's entries
/// do), and probing reads only the compact buckets: a hit touches one bucket and one slot.
/// </summary>
/// <remarks>
/// <para>
/// Four bytes, not eight with the whole tag: the buckets are the one random read of a decision on a known key, and
/// half the size halves the memory that read ranges over (1 MB at 100,000 keys) and the table's overhead per key. A
/// fingerprint match that is not the key only costs a read of the slot's tag.
/// </para>
/// <para>
/// Buckets and tags change only under the store's lock, tags and slot contents also only under the slot's gate; a
/// reader probes without any lock, enters the gate of the slot a matching bucket points to, and trusts the slot only
/// if, under the gate, its tag and key are still the ones looked for. A slot that is evicted, or moved to a newer
/// table, loses its tag under its gate, so a reader that found it before looks again and no decision is committed into
/// a state that is being forgotten.
/// </para>
/// </remarks>
internal sealed class KeyedTable<TKey>
    where TKey : notnull
{
    private const int EmptyBucket = 0;
    private const int TombstoneBucket = 1;

    // Live buckets store the slot index plus this, so their index bits are never those of an empty bucket or a tombstone.
    private const int IndexBias = 2;

    public readonly int[] Buckets;
    public readonly KeyedSlot<TKey>[] Slots;
    private readonly int _mask;
    private readonly int _shift;
    private readonly int _indexBits;
    private readonly IEqualityComparer<TKey>? _comparer;

    // Under the store's lock: slots handed out so far (live or freed), and freed slots to hand out again first.
    private readonly Stack<int> _free = new();
    private int _next;

    /// <param name="capacity">The number of buckets, a power of two, at least 16.</param>
    /// <param name="comparer">The key comparer, <see langword="null"/> for a value type's default equality.</param>
    /// <param name="fastStrings">
    /// For string keys compared ordinally: hash with <see cref="StringKeyHash"/> instead of the comparer.
    /// </param>
    public KeyedTable(int capacity, IEqualityComparer<TKey>? comparer, bool fastStrings)
    {
        // From 16 buckets up, the largest slot index plus IndexBias (capacity / 2 + 1) fits the index bits.
        Debug.Assert(capacity >= 16 && BitOperations.IsPow2(capacity), "capacity must be a power of two of at least 16");
        FastStrings = typeof(TKey) == typeof(string) && fastStrings;
        Buckets = new int[capacity];
        Slots = new KeyedSlot<TKey>[MaxUsed(capacity)];
        _mask = capacity - 1;
        _indexBits = BitOperations.Log2((uint)capacity);
        _shift = 32 - _indexBits;
        _comparer = comparer;
    }

    /// <summary>Gets whether string keys are hashed with <see cref="StringKeyHash"/> rather than the comparer.</summary>
    public bool FastStrings { get; }

    /// <summary>Gets the number of buckets.</summary>
    public int Capacity => Buckets.Length;

    /// <summary>Gets how many slots were handed out (live or freed since); live slots are all below it.</summary>
    public int HandedOut => _next;

    /// <summary>
    /// At most half the buckets used (live or tombstone), so every probe ends at an empty bucket soon, and a slot index
    /// plus <see cref="IndexBias"/> always fits the index bits of a bucket. Half rather than the 80 % linear probing
    /// tolerates: at 100,000 keys that is 38 % instead of 76 % load, and a keyed decision 1-3 ns faster (shorter
    /// probe runs, fewer of them across a cache line). Buckets cost 8-16 bytes per key instead of 5-10, and the slot
    /// array, half the buckets, still holds between one and two slots per key, but a given key count can now sit just
    /// after a growth where it sat just before one (100,000 keys: 94 instead of 72 bytes per key).
    /// </summary>
    public static int MaxUsed(int capacity) => capacity / 2;

    /// <summary>
    /// The key's tag: its hash (for ordinal strings <see cref="StringKeyHash"/>, seeded per process and backed by the
    /// store's switch to the comparer's randomized hash on a flood; otherwise the comparer's) with the sign bit set,
    /// which keeps live slots apart from free ones.
    /// </summary>
    public int TagOf(TKey key)
    {
        int hash;
        if (typeof(TKey) == typeof(string) && FastStrings)
        {
            hash = StringKeyHash.Of(Unsafe.As<TKey, string>(ref key));
        }
        else
        {
            hash = typeof(TKey).IsValueType && _comparer is null ? EqualityComparer<TKey>.Default.GetHashCode(key) : _comparer!.GetHashCode(key);
        }

        return hash | int.MinValue;
    }

    /// <summary>Finds the key and enters its slot's gate; returns the slot's index, or -1 (no gate held) when absent.</summary>
    public int TryEnter(TKey key, int tag)
    {
        var buckets = Buckets;
        var fingerprint = Fingerprint(tag);
        var i = Home(tag);
        while (true)
        {
            var bucket = Volatile.Read(ref buckets[i]);
            if (bucket == EmptyBucket)
            {
                return -1;
            }

            if ((bucket & ~_mask) == fingerprint && (bucket & _mask) >= IndexBias)
            {
                var index = (bucket & _mask) - IndexBias;
                ref var slot = ref Slots[index];

                // The tag and a reference key are read before the gate as a filter (racy reads: a wrong "no" only
                // sends the caller to the locked path; value keys skip the key, a torn struct must not reach a
                // comparer) and so that both ends of the 64-byte slot (the key first, the tag and gate last), which
                // usually straddles two cache lines, load in parallel rather than one after the locked instruction.
                if (Volatile.Read(ref slot.Guard.Tag) == tag && (typeof(TKey).IsValueType || (slot.Key is { } stored && KeyEquals(stored, key))))
                {
                    slot.Guard.Gate.EnterReadFirst();
                    if (slot.Guard.Tag == tag && (IsSameReference(slot.Key, key) || KeyEqualsUnderGate(ref slot, key)))
                    {
                        return index;
                    }

                    slot.Guard.Gate.Exit();
                }
            }

            i = (i + 1) & _mask;
        }
    }

    /// <summary>Enters the gate of a slot found before; <see langword="false"/> (no gate held) if it no longer holds the key.</summary>
    public bool TryEnter(int index, TKey key)
    {
        ref var slot = ref Slots[index];
        slot.Guard.Gate.Enter();
        if (slot.Guard.Tag < 0 && (IsSameReference(slot.Key, key) || KeyEqualsUnderGate(ref slot, key)))
        {
            return true;
        }

        slot.Guard.Gate.Exit();
        return false;
    }

    /// <summary>
    /// Under the store's lock, for a key known to be absent and with room for it: takes a slot with a fresh state and
    /// the first free bucket of the key's probe sequence, and returns the slot's index with its gate held;
    /// <paramref name="tookEmpty"/> tells whether the bucket was never used before. Returns -1 (nothing changed) when
    /// the free bucket is more than <paramref name="maxProbe"/> buckets past the key's home, or the probe passes
    /// <paramref name="maxSameTag"/> other keys with the same tag.
    /// </summary>
    public int TryInsertAndEnter(TKey key, int tag, int maxProbe, int maxSameTag, out bool tookEmpty)
    {
        var fingerprint = Fingerprint(tag);
        var sameTag = 0;
        var i = Home(tag);
        for (var probe = 0; (Buckets[i] & _mask) >= IndexBias; probe++)
        {
            if (probe >= maxProbe
                || ((Buckets[i] & ~_mask) == fingerprint && Slots[(Buckets[i] & _mask) - IndexBias].Guard.Tag == tag && ++sameTag >= maxSameTag))
            {
                tookEmpty = false;
                return -1;
            }

            i = (i + 1) & _mask;
        }

        var index = _free.Count > 0 ? _free.Pop() : _next++;
        ref var slot = ref Slots[index];
        slot.Guard.Gate.Enter();
        slot.Key = key;
        slot.State = default;
        slot.Guard.Tag = tag;
        tookEmpty = Buckets[i] == EmptyBucket;
        Volatile.Write(ref Buckets[i], Pack(tag, index));
        return index;
    }

    /// <summary>Under the store's lock and the slot's gate, for a live slot: forgets it and frees its bucket and slot.</summary>
    public void Remove(int index)
    {
        ref var slot = ref Slots[index];
        var packed = Pack(slot.Guard.Tag, index);
        var i = Home(slot.Guard.Tag);
        while (Buckets[i] != packed)
        {
            i = (i + 1) & _mask;
        }

        Volatile.Write(ref Buckets[i], TombstoneBucket);
        slot.Guard.Tag = 0;
        slot.Key = default!;
        slot.State = default;
        _free.Push(index);
    }

    /// <summary>
    /// Copies a live slot into this table while it is not yet published (no reader can see it, so no gate), with a
    /// new tag if this table hashes differently from the slot's.
    /// </summary>
    public void Place(in KeyedSlot<TKey> from, bool retag)
    {
        var index = _next++;
        var tag = retag ? TagOf(from.Key) : from.Guard.Tag;
        Slots[index].Key = from.Key;
        Slots[index].State = from.State;
        Slots[index].Guard.Tag = tag;
        var i = Home(tag);
        while (Buckets[i] != EmptyBucket)
        {
            i = (i + 1) & _mask;
        }

        Buckets[i] = Pack(tag, index);
    }

    private int Pack(int tag, int index) => Fingerprint(tag) | (index + IndexBias);

    // The tag's low bits: the home bucket is the top of tag x golden ratio (odd, so a bijection), whose low bits depend
    // only on the tag's low bits; home and fingerprint together determine the whole tag, so two different tags with
    // the same home always differ in the fingerprint.
    private int Fingerprint(int tag) => tag << _indexBits;

    // Fibonacci hashing: the top bits of the product depend on every bit of the tag, so keys whose hashes differ only
    // in high bits (or are sequential integers) still spread over the whole table.
    private int Home(int tag) => (int)(((uint)tag * 2654435769u) >> _shift);

    // The comparer (or a key type's Equals) is the caller's code running while the gate is held: if it throws, the
    // gate must not stay closed, or every later probe of the slot, eviction and growth would spin on it forever.
    private bool KeyEqualsUnderGate(ref KeyedSlot<TKey> slot, TKey key)
    {
        try
        {
            return KeyEquals(slot.Key, key);
        }
        catch
        {
            slot.Guard.Gate.Exit();
            throw;
        }
    }

    // Outside KeyEqualsUnderGate, whose exception handler keeps it from being inlined: the caller that reuses the
    // stored key instance (cached or interned keys) pays no call.
    private static bool IsSameReference(TKey stored, TKey key) => !typeof(TKey).IsValueType && ReferenceEquals(stored, key);

    private bool KeyEquals(TKey stored, TKey key)
    {
        if (typeof(TKey).IsValueType && _comparer is null)
        {
            return EqualityComparer<TKey>.Default.Equals(stored, key);
        }

        if (typeof(TKey) == typeof(string) && FastStrings)
        {
            return string.Equals(Unsafe.As<TKey, string>(ref stored), Unsafe.As<TKey, string>(ref key));
        }

        // Free when the caller reuses the stored instance (cached or interned keys); a fresh string goes to the comparer.
        return (!typeof(TKey).IsValueType && ReferenceEquals(stored, key)) || _comparer!.Equals(stored, key);
    }
}

/// <summary>
/// Where one key's state lives in a <see cref="KeyedLimitStore{TKey}"/>, found without holding anything; valid only
/// once <see cref="TryEnter"/> confirms, under the slot's gate, that the slot still holds the key.
/// </summary>
internal readonly struct KeyedEntry<TKey>
    where TKey : notnull
{
    private readonly KeyedTable<TKey> _table;
    private readonly int _index;

    public KeyedEntry(KeyedTable<TKey> table, int index)
    {
        _table = table;
        _index = index;
    }

    /// <summary>Gets the state; read or write it only between a successful <see cref="TryEnter"/> and <see cref="Exit"/>.</summary>
    public ref LimitState State => ref _table.Slots[_index].State;

    /// <summary>Enters the slot's gate; <see langword="false"/> (no gate held) when the key was evicted or moved: look it up again.</summary>
    public bool TryEnter(TKey key) => _table.TryEnter(_index, key);

    public void Exit() => _table.Slots[_index].Guard.Gate.Exit();
}
