using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace ApiKit.Security.Jwt;

/// <summary>
/// A bounded cache of validated tokens, keyed by a per-process seeded hash of the whole token; a hit is confirmed
/// by comparing the whole token, so it implies the very same token (not merely the same <c>jti</c>). Entries carry
/// the key-ring version they were validated under and are ignored once the ring changes.
/// </summary>
/// <remarks>
/// The hash need not be cryptographic: only validated tokens are ever inserted and their signatures are not under
/// an attacker's control, so colliding entries cannot be planted; a presented token can only select a bucket.
/// A cryptographic digest (SHA-256) costs more than the sub-microsecond budget of a repeat validation by itself.
/// </remarks>
internal sealed class JwtValidationCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries;
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    private int _count;

    public JwtValidationCache(int capacity)
    {
        _capacity = capacity;
        _entries = new ConcurrentDictionary<string, Entry>(TokenComparer.Instance);
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(ReadOnlySpan<char> token, long now, long skew, long version, out ValidatedJwt? validated)
    {
        if (_lookup.TryGetValue(token, out var entry)
            && entry.Version == version
            && now - skew < entry.Token.ExpiresUnixSeconds
            && (entry.Token.NotBeforeUnixSeconds is not { } nbf || nbf <= now + skew))
        {
            validated = entry.Token;
            return true;
        }

        validated = null;
        return false;
    }

    public void Add(ReadOnlySpan<char> token, ValidatedJwt validated, long now, long skew, long version)
    {
        if (Volatile.Read(ref _count) >= _capacity)
        {
            Prune(now, skew, version);
            if (Volatile.Read(ref _count) >= _capacity)
            {
                return;
            }
        }

        if (_entries.TryAdd(token.ToString(), new Entry(validated, version)))
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void Clear()
    {
        _entries.Clear();
        Volatile.Write(ref _count, 0);
    }

    private void Prune(long now, long skew, long version)
    {
        foreach (var pair in _entries)
        {
            if ((pair.Value.Version != version || now - skew >= pair.Value.Token.ExpiresUnixSeconds) && _entries.TryRemove(pair.Key, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private sealed record Entry(ValidatedJwt Token, long Version);

    /// <summary>Hashes every character of the token (32 bytes per step) from a random per-process seed; equality is ordinal over the whole token.</summary>
    private sealed class TokenComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
    {
        public static readonly TokenComparer Instance = new();

        private static readonly Vector256<uint> Seed = Vector256.Create<uint>(MemoryMarshal.Cast<byte, uint>(RandomNumberGenerator.GetBytes(32)));
        private static readonly Vector256<uint> Multiplier = Vector256.Create(0x9E3779B1u);

        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

        public int GetHashCode(string obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<char> alternate, string other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<char> alternate) => Hash(alternate);

        public string Create(ReadOnlySpan<char> alternate) => alternate.ToString();

        private static int Hash(ReadOnlySpan<char> token)
        {
            var bytes = MemoryMarshal.AsBytes(token);
            var accumulator = Seed;
            var i = 0;
            for (; i + Vector256<byte>.Count <= bytes.Length; i += Vector256<byte>.Count)
            {
                accumulator = (accumulator ^ Vector256.Create<byte>(bytes.Slice(i, Vector256<byte>.Count)).AsUInt32()) * Multiplier;
                accumulator ^= Vector256.ShiftRightLogical(accumulator, 15);
            }

            var hash = default(HashCode);
            for (var lane = 0; lane < Vector256<uint>.Count; lane++)
            {
                hash.Add(accumulator.GetElement(lane));
            }

            hash.AddBytes(bytes[i..]);
            hash.Add(token.Length);
            return hash.ToHashCode();
        }
    }
}
