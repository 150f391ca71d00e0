using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace ApiKit.Security.Passwords;

/// <summary>
/// BLAKE2b (RFC 7693), incremental and allocation-free. Argon2 needs it with output lengths the
/// framework's hash algorithms do not offer and as the building block of its variable-length hash H'.
/// </summary>
internal struct Blake2b
{
    public const int BlockBytes = 128;
    public const int MaxOutputBytes = 64;
    public const int MaxKeyBytes = 64;

    private StateWords _h;
    private BlockBuffer _buffer;
    private ulong _t0;
    private ulong _t1;
    private int _bufferLength;
    private int _outputLength;

    private static ReadOnlySpan<ulong> Iv =>
    [
        0x6A09E667F3BCC908UL, 0xBB67AE8584CAA73BUL, 0x3C6EF372FE94F82BUL, 0xA54FF53A5F1D36F1UL,
        0x510E527FADE682D1UL, 0x9B05688C2B3E6C1FUL, 0x1F83D9ABFB41BD6BUL, 0x5BE0CD19137E2179UL,
    ];

    private static ReadOnlySpan<byte> Sigma =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ];

    /// <summary>Starts a hash producing <paramref name="outputLength"/> bytes, keyed when <paramref name="key"/> is not empty.</summary>
    public void Initialize(int outputLength, ReadOnlySpan<byte> key = default)
    {
        if (outputLength is < 1 or > MaxOutputBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(outputLength), outputLength, "BLAKE2b produces 1 to 64 bytes.");
        }

        if (key.Length > MaxKeyBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(key), key.Length, "A BLAKE2b key is at most 64 bytes.");
        }

        Iv.CopyTo(_h);
        _h[0] ^= 0x01010000UL ^ ((ulong)key.Length << 8) ^ (ulong)outputLength;
        _t0 = 0;
        _t1 = 0;
        _bufferLength = 0;
        _outputLength = outputLength;
        ((Span<byte>)_buffer).Clear();
        if (!key.IsEmpty)
        {
            key.CopyTo(_buffer);
            _bufferLength = BlockBytes;
        }
    }

    /// <summary>Absorbs <paramref name="data"/>.</summary>
    public void Update(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            // The last block must be compressed with the final flag, so a full buffer waits for more input.
            if (_bufferLength == BlockBytes)
            {
                AddToCounter(BlockBytes);
                Compress(ref _h, _buffer, _t0, _t1, last: false);
                _bufferLength = 0;
            }

            var take = Math.Min(BlockBytes - _bufferLength, data.Length);
            data[..take].CopyTo(((Span<byte>)_buffer)[_bufferLength..]);
            _bufferLength += take;
            data = data[take..];
        }
    }

    /// <summary>Writes the digest (exactly the initialized output length) and wipes the state.</summary>
    public void Finish(Span<byte> output)
    {
        if (output.Length != _outputLength)
        {
            throw new ArgumentException("The output span must have the length the hash was initialized with.", nameof(output));
        }

        AddToCounter((ulong)_bufferLength);
        ((Span<byte>)_buffer)[_bufferLength..].Clear();
        Compress(ref _h, _buffer, _t0, _t1, last: true);

        Span<byte> digest = stackalloc byte[MaxOutputBytes];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(digest[(i * 8)..], _h[i]);
        }

        digest[..output.Length].CopyTo(output);
        CryptographicOperations.ZeroMemory(digest);
        Clear();
    }

    /// <summary>Wipes the chaining value, the buffered input and any key material.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes((Span<ulong>)_h));
        CryptographicOperations.ZeroMemory(_buffer);
        _bufferLength = 0;
    }

    /// <summary>One-shot BLAKE2b of <paramref name="data"/> into <paramref name="output"/> (1 to 64 bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> output, ReadOnlySpan<byte> key = default)
    {
        var state = default(Blake2b);
        state.Initialize(output.Length, key);
        state.Update(data);
        state.Finish(output);
    }

    private void AddToCounter(ulong count)
    {
        _t0 += count;
        if (_t0 < count)
        {
            _t1++;
        }
    }

    private static void Compress(ref StateWords h, ReadOnlySpan<byte> block, ulong t0, ulong t1, bool last)
    {
        Span<ulong> m = stackalloc ulong[16];
        for (var i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt64LittleEndian(block[(i * 8)..]);
        }

        Span<ulong> v = stackalloc ulong[16];
        ((ReadOnlySpan<ulong>)h).CopyTo(v);
        Iv.CopyTo(v[8..]);
        v[12] ^= t0;
        v[13] ^= t1;
        if (last)
        {
            v[14] = ~v[14];
        }

        var sigma = Sigma;
        for (var round = 0; round < 12; round++)
        {
            var s = sigma.Slice((round % 10) * 16, 16);
            G(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
            G(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
            G(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
            G(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
            G(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
            G(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
            G(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
            G(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
        }

        for (var i = 0; i < 8; i++)
        {
            h[i] ^= v[i] ^ v[i + 8];
        }

        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(m));
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(Span<ulong> v, int a, int b, int c, int d, ulong x, ulong y)
    {
        v[a] = v[a] + v[b] + x;
        v[d] = BitOperations.RotateRight(v[d] ^ v[a], 32);
        v[c] = v[c] + v[d];
        v[b] = BitOperations.RotateRight(v[b] ^ v[c], 24);
        v[a] = v[a] + v[b] + y;
        v[d] = BitOperations.RotateRight(v[d] ^ v[a], 16);
        v[c] = v[c] + v[d];
        v[b] = BitOperations.RotateRight(v[b] ^ v[c], 63);
    }

    [InlineArray(8)]
    private struct StateWords
    {
        private ulong _element;
    }

    [InlineArray(BlockBytes)]
    private struct BlockBuffer
    {
        private byte _element;
    }
}
