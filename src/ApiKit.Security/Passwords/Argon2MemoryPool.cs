using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ApiKit.Security.Passwords;

/// <summary>
/// Block memory for Argon2, kept for reuse: one array per concurrent hash at most, pinned so that
/// block filling can work through pointers, and wiped before it goes back to the pool.
/// </summary>
internal sealed class Argon2MemoryPool(int capacity)
{
    private readonly Lock _gate = new();
    private readonly List<ulong[]> _arrays = new(capacity);
    private int _allocated;

    /// <summary>Gets how many arrays the pool has allocated since it was created.</summary>
    public int AllocatedCount => Volatile.Read(ref _allocated);

    public int PooledCount
    {
        get
        {
            lock (_gate)
            {
                return _arrays.Count;
            }
        }
    }

    public ulong[] Rent(long words)
    {
        lock (_gate)
        {
            // Prefer the smallest array that fits so that a rare large verification does not pin big arrays forever.
            var best = -1;
            for (var i = 0; i < _arrays.Count; i++)
            {
                if (_arrays[i].LongLength >= words && (best < 0 || _arrays[i].LongLength < _arrays[best].LongLength))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                var array = _arrays[best];
                _arrays.RemoveAt(best);
                return array;
            }
        }

        Interlocked.Increment(ref _allocated);
        return GC.AllocateUninitializedArray<ulong>(checked((int)words), pinned: true);
    }

    public void Return(ulong[] array, long usedWords)
    {
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(array.AsSpan(0, (int)usedWords)));
        lock (_gate)
        {
            if (_arrays.Count < capacity)
            {
                _arrays.Add(array);
            }
        }
    }
}
