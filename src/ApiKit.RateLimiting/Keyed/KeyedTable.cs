using System.Numerics;

namespace ApiKit.RateLimiting;

/// <summary>
/// One key's slot: the key, its state and the gate that guards both, inline in the table's array, so a decision on a
/// known key reads one slot (64 bytes) besides the table's tags, instead of a dictionary node and a separate entry.
/// </summary>
internal struct KeyedSlot<TKey>
{
    public TKey Key;

    public LimitState State;

    /// <summary>Guards <see cref="Key"/>, <see cref="State"/> and the slot's tag.</summary>
    public SpinGate Gate;
}

/// <summary>
/// One generation of a <see cref="KeyedLimitStore{TKey}"/>'s open-addressing table (linear probing, power-of-two
/// capacity). <see cref="Tags"/> holds, per slot, <see cref="Empty"/>, <see cref="Tombstone"/> or the key's hash
/// with the sign bit set (live): probing reads only this compact array, and the one slot whose tag matches is the
/// only other memory a hit touches.
/// </summary>
/// <remarks>
/// Tags change only under the store's lock and the slot's gate; a reader probes without any lock, enters the gate of
/// the slot whose tag matches, and trusts the slot only if, under the gate, the tag is still live and the key equal.
/// A slot that is evicted, or moved to a newer table, is made a tombstone under its gate, so a reader that found it
/// before looks again and no decision is committed into a state that is being forgotten.
/// </remarks>
internal sealed class KeyedTable<TKey>
    where TKey : notnull
{
    public const int Empty = 0;
    public const int Tombstone = 1;

    public readonly KeyedSlot<TKey>[] Slots;
    public readonly int[] Tags;
    private readonly int _mask;
    private readonly int _shift;
    private readonly IEqualityComparer<TKey>? _comparer;

    public KeyedTable(int capacity, IEqualityComparer<TKey>? comparer)
    {
        Slots = new KeyedSlot<TKey>[capacity];
        Tags = new int[capacity];
        _mask = capacity - 1;
        _shift = 32 - BitOperations.Log2((uint)capacity);
        _comparer = comparer;
    }

    public int Capacity => Tags.Length;

    /// <summary>
    /// The key's tag: its hash from the comparer (for strings, the runtime's randomized hash, so an attacker cannot
    /// choose keys that collide) with the sign bit set, which keeps it apart from <see cref="Empty"/> and <see cref="Tombstone"/>.
    /// </summary>
    public static int TagOf(TKey key, IEqualityComparer<TKey>? comparer) =>
        (typeof(TKey).IsValueType && comparer is null ? EqualityComparer<TKey>.Default.GetHashCode(key) : comparer!.GetHashCode(key)) | int.MinValue;

    /// <summary>Finds the key and enters its slot's gate; returns the slot's index, or -1 (no gate held) when absent.</summary>
    public int TryEnter(TKey key, int tag)
    {
        var tags = Tags;
        var i = Home(tag);
        while (true)
        {
            var t = Volatile.Read(ref tags[i]);
            if (t == tag)
            {
                // A reference key is read before the gate as a filter (a racy read: a wrong "no" only sends the caller
                // to the locked path; value keys skip it, a torn struct must not reach a comparer) and, with the gate's
                // read-first entry, so that both ends of the 64-byte slot, which usually straddles two cache lines,
                // load in parallel rather than one after the locked instruction.
                ref var slot = ref Slots[i];
                if (typeof(TKey).IsValueType || (slot.Key is { } stored && KeyEquals(stored, key)))
                {
                    slot.Gate.EnterReadFirst();
                    if (tags[i] == tag && KeyEquals(slot.Key, key))
                    {
                        return i;
                    }

                    slot.Gate.Exit();
                }
            }
            else if (t == Empty)
            {
                return -1;
            }

            i = (i + 1) & _mask;
        }
    }

    /// <summary>Enters the gate of a slot found before; <see langword="false"/> (no gate held) if it no longer holds the key.</summary>
    public bool TryEnter(int index, TKey key)
    {
        ref var slot = ref Slots[index];
        slot.Gate.Enter();
        if (Tags[index] < 0 && KeyEquals(slot.Key, key))
        {
            return true;
        }

        slot.Gate.Exit();
        return false;
    }

    /// <summary>
    /// Under the store's lock, for a key known to be absent: takes the first free slot of its probe sequence with a fresh
    /// state and returns its index with the gate held; <paramref name="tookEmpty"/> tells whether it was never used before.
    /// </summary>
    public int InsertAndEnter(TKey key, int tag, out bool tookEmpty)
    {
        var i = Home(tag);
        while (Tags[i] < 0)
        {
            i = (i + 1) & _mask;
        }

        tookEmpty = Tags[i] == Empty;
        ref var slot = ref Slots[i];
        slot.Gate.Enter();
        slot.Key = key;
        slot.State = default;
        Volatile.Write(ref Tags[i], tag);
        return i;
    }

    /// <summary>Under the store's lock, for a slot known to be live: forgets it (its gate must be held).</summary>
    public void Remove(int index)
    {
        Volatile.Write(ref Tags[index], Tombstone);
        Slots[index].Key = default!;
        Slots[index].State = default;
    }

    /// <summary>Copies a slot into this table while it is not yet published (no reader can see it, so no gate).</summary>
    public void Place(in KeyedSlot<TKey> from, int tag)
    {
        var i = Home(tag);
        while (Tags[i] != Empty)
        {
            i = (i + 1) & _mask;
        }

        Slots[i].Key = from.Key;
        Slots[i].State = from.State;
        Tags[i] = tag;
    }

    // Fibonacci hashing: the top bits of the product depend on every bit of the tag, so keys whose hashes differ only
    // in high bits (or are sequential integers) still spread over the whole table.
    private int Home(int tag) => (int)(((uint)tag * 2654435769u) >> _shift);

    private bool KeyEquals(TKey stored, TKey key)
    {
        if (typeof(TKey).IsValueType && _comparer is null)
        {
            return EqualityComparer<TKey>.Default.Equals(stored, key);
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

    public void Exit() => _table.Slots[_index].Gate.Exit();
}
