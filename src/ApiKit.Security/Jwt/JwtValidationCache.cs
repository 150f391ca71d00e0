using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ApiKit.Security.Jwt;

/// <summary>
/// A bounded cache of validated tokens keyed by the SHA-256 of the whole token, so a hit implies the very same
/// token (not merely the same <c>jti</c>) and the cache never holds bearer tokens themselves. Entries carry the
/// key-ring version they were validated under and are ignored once the ring changes.
/// </summary>
internal sealed class JwtValidationCache
{
    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();
    private readonly int _capacity;
    private int _count;

    public JwtValidationCache(int capacity) => _capacity = capacity;

    public int Count => Volatile.Read(ref _count);

    [ThreadStatic]
    private static IncrementalHash? _threadSha256;

    public static TokenHash Hash(ReadOnlySpan<byte> asciiToken)
    {
        // A reused per-thread hash object skips the native context set-up a one-shot SHA256.HashData pays on every call.
        var sha256 = _threadSha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        sha256.AppendData(asciiToken);
        sha256.GetHashAndReset(digest);
        var words = MemoryMarshal.Cast<byte, ulong>(digest);
        return new TokenHash(words[0], words[1], words[2], words[3]);
    }

    public bool TryGet(in TokenHash hash, long now, long skew, long version, out ValidatedJwt? token)
    {
        if (_entries.TryGetValue(hash, out var entry)
            && entry.Version == version
            && now - skew < entry.Token.ExpiresUnixSeconds
            && (entry.Token.NotBeforeUnixSeconds is not { } nbf || nbf <= now + skew))
        {
            token = entry.Token;
            return true;
        }

        token = null;
        return false;
    }

    public void Add(in TokenHash hash, ValidatedJwt token, long now, long skew, long version)
    {
        if (Volatile.Read(ref _count) >= _capacity)
        {
            Prune(now, skew, version);
            if (Volatile.Read(ref _count) >= _capacity)
            {
                return;
            }
        }

        if (_entries.TryAdd(hash, new Entry(token, version)))
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

    internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D);

    private sealed record Entry(ValidatedJwt Token, long Version);
}
