using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ApiKit.Security.Passwords;

/// <summary>
/// Argon2id, version 0x13, as specified by RFC 9106: H0, the first two blocks of each lane from H', the
/// segment-by-segment filling with data-independent addressing in the first half of the first pass and
/// data-dependent addressing afterwards, and the final H' of the xor of the lanes' last blocks.
/// </summary>
internal static unsafe class Argon2Core
{
    public const int Version = 0x13;
    public const int SyncPoints = 4;
    public const int MinSaltBytes = 8;
    public const int MinTagBytes = 4;
    public const int MaxLanes = 0xFFFFFF;
    private const int TypeArgon2id = 2;
    private const int BlockWords = Argon2Compression.BlockWords;
    private const int BlockBytes = BlockWords * sizeof(ulong);

    /// <summary>The number of blocks Argon2 really uses for <paramref name="memoryKiB"/> and <paramref name="lanes"/> (m' in RFC 9106).</summary>
    public static int MemoryBlocks(int memoryKiB, int lanes)
    {
        var segment = Math.Max(memoryKiB, 2 * SyncPoints * lanes) / (SyncPoints * lanes);
        return segment * SyncPoints * lanes;
    }

    /// <summary>The length, in 64-bit words, of the working memory one hash needs: m' blocks plus address blocks per lane and a zero block.</summary>
    public static long WorkingWords(int memoryKiB, int lanes) => ((long)MemoryBlocks(memoryKiB, lanes) + (2L * lanes) + 1) * BlockWords;

    /// <summary>
    /// Computes the Argon2id tag of <paramref name="password"/> into <paramref name="tag"/> using <paramref name="memory"/>
    /// (at least <see cref="WorkingWords"/> long) as block memory; the caller clears that memory.
    /// </summary>
    public static void Hash(
        ReadOnlySpan<byte> password,
        ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData,
        int iterations,
        int memoryKiB,
        int lanes,
        Span<byte> tag,
        ulong[] memory,
        Argon2Engine engine)
    {
        Debug.Assert(BitConverter.IsLittleEndian, "Blocks are read and written as little-endian words.");
        if (iterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "Argon2 needs at least one pass.");
        }

        if (lanes is < 1 or > MaxLanes)
        {
            throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "Argon2 needs 1 to 2^24-1 lanes.");
        }

        if (memoryKiB < 8 * lanes)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryKiB), memoryKiB, "Argon2 needs at least 8 KiB per lane.");
        }

        if (salt.Length < MinSaltBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(salt), salt.Length, "Argon2 needs a salt of at least 8 bytes.");
        }

        if (tag.Length < MinTagBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(tag), tag.Length, "Argon2 produces at least 4 bytes.");
        }

        if (memory.LongLength < WorkingWords(memoryKiB, lanes))
        {
            throw new ArgumentException("The block memory is too small for these parameters.", nameof(memory));
        }

        var memoryBlocks = MemoryBlocks(memoryKiB, lanes);
        var instance = new Instance(memoryBlocks, lanes, iterations, engine);

        Span<byte> seed = stackalloc byte[Blake2b.MaxOutputBytes + 8];
        try
        {
            ComputeH0(password, salt, secret, associatedData, iterations, memoryKiB, lanes, tag.Length, seed[..Blake2b.MaxOutputBytes]);
            for (var lane = 0; lane < lanes; lane++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(seed[68..], lane);
                for (var column = 0; column < 2; column++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(seed[64..], column);
                    var block = memory.AsSpan(((lane * instance.LaneLength) + column) * BlockWords, BlockWords);
                    HPrime(seed, MemoryMarshal.AsBytes(block));
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }

        fixed (ulong* blocks = memory)
        {
            // The zero block, read by address generation, sits after the lanes' address blocks.
            new Span<ulong>(blocks + (((long)memoryBlocks + (2L * lanes)) * BlockWords), BlockWords).Clear();
            var work = new Work(instance, blocks);
            for (var pass = 0; pass < iterations; pass++)
            {
                for (var slice = 0; slice < SyncPoints; slice++)
                {
                    if (lanes == 1)
                    {
                        FillSegment(work, pass, 0, slice);
                    }
                    else
                    {
                        // Lanes of one slice are independent; the end of the loop is the sync point.
                        Parallel.For(0, lanes, lane => FillSegment(work, pass, lane, slice));
                    }
                }
            }

            Finalize(instance, blocks, tag);
        }
    }

    /// <summary>H' (RFC 9106 section 3.3): BLAKE2b extended to any output length.</summary>
    public static void HPrime(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, output.Length);
        var state = default(Blake2b);
        if (output.Length <= Blake2b.MaxOutputBytes)
        {
            state.Initialize(output.Length);
            state.Update(length);
            state.Update(input);
            state.Finish(output);
            return;
        }

        Span<byte> v = stackalloc byte[Blake2b.MaxOutputBytes];
        state.Initialize(Blake2b.MaxOutputBytes);
        state.Update(length);
        state.Update(input);
        state.Finish(v);
        v[..32].CopyTo(output);
        var position = 32;
        while (output.Length - position > Blake2b.MaxOutputBytes)
        {
            Blake2b.Hash(v, v);
            v[..32].CopyTo(output[position..]);
            position += 32;
        }

        Blake2b.Hash(v, output[position..]);
        CryptographicOperations.ZeroMemory(v);
    }

    private static void ComputeH0(
        ReadOnlySpan<byte> password,
        ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData,
        int iterations,
        int memoryKiB,
        int lanes,
        int tagLength,
        Span<byte> h0)
    {
        var state = default(Blake2b);
        state.Initialize(Blake2b.MaxOutputBytes);
        Span<byte> word = stackalloc byte[4];
        void Int(ref Blake2b s, Span<byte> w, int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(w, value);
            s.Update(w);
        }

        Int(ref state, word, lanes);
        Int(ref state, word, tagLength);
        Int(ref state, word, memoryKiB);
        Int(ref state, word, iterations);
        Int(ref state, word, Version);
        Int(ref state, word, TypeArgon2id);
        Int(ref state, word, password.Length);
        state.Update(password);
        Int(ref state, word, salt.Length);
        state.Update(salt);
        Int(ref state, word, secret.Length);
        state.Update(secret);
        Int(ref state, word, associatedData.Length);
        state.Update(associatedData);
        state.Finish(h0);
    }

    private static void FillSegment(Work work, int pass, int lane, int slice)
    {
        var instance = work.Instance;
        var blocks = work.Blocks;
        var segmentLength = instance.SegmentLength;
        var laneLength = instance.LaneLength;
        var dataIndependent = pass == 0 && slice < SyncPoints / 2;
        var input = blocks + (((long)instance.MemoryBlocks + (2L * lane)) * BlockWords);
        var address = input + BlockWords;
        var zero = blocks + (((long)instance.MemoryBlocks + (2L * instance.Lanes)) * BlockWords);

        if (dataIndependent)
        {
            new Span<ulong>(input, BlockWords).Clear();
            input[0] = (ulong)pass;
            input[1] = (ulong)lane;
            input[2] = (ulong)slice;
            input[3] = (ulong)instance.MemoryBlocks;
            input[4] = (ulong)instance.Passes;
            input[5] = TypeArgon2id;
        }

        var start = 0;
        if (pass == 0 && slice == 0)
        {
            // The first two blocks of each lane came from H'.
            start = 2;
            if (dataIndependent)
            {
                NextAddresses(input, address, zero, instance.Engine);
            }
        }

        var laneStart = blocks + ((long)lane * laneLength * BlockWords);
        for (var index = start; index < segmentLength; index++)
        {
            var column = (slice * segmentLength) + index;
            var prev = laneStart + ((long)(column == 0 ? laneLength - 1 : column - 1) * BlockWords);
            ulong pseudoRandom;
            if (dataIndependent)
            {
                if (index % BlockWords == 0)
                {
                    NextAddresses(input, address, zero, instance.Engine);
                }

                pseudoRandom = address[index % BlockWords];
            }
            else
            {
                pseudoRandom = prev[0];
            }

            var referenceLane = pass == 0 && slice == 0 ? lane : (int)((pseudoRandom >> 32) % (ulong)instance.Lanes);
            var referenceIndex = IndexAlpha(instance, pass, slice, index, (uint)pseudoRandom, referenceLane == lane);
            var reference = blocks + ((((long)referenceLane * laneLength) + referenceIndex) * BlockWords);
            var current = laneStart + ((long)column * BlockWords);
            Argon2Compression.FillBlock(prev, reference, current, withXor: pass != 0, instance.Engine);
        }
    }

    private static void NextAddresses(ulong* input, ulong* address, ulong* zero, Argon2Engine engine)
    {
        input[6]++;
        Argon2Compression.FillBlock(zero, input, address, withXor: false, engine);
        Argon2Compression.FillBlock(zero, address, address, withXor: false, engine);
    }

    private static int IndexAlpha(in Instance instance, int pass, int slice, int index, uint pseudoRandom, bool sameLane)
    {
        long referenceAreaSize;
        if (pass == 0)
        {
            if (slice == 0)
            {
                referenceAreaSize = index - 1;
            }
            else if (sameLane)
            {
                referenceAreaSize = ((long)slice * instance.SegmentLength) + index - 1;
            }
            else
            {
                referenceAreaSize = ((long)slice * instance.SegmentLength) + (index == 0 ? -1 : 0);
            }
        }
        else if (sameLane)
        {
            referenceAreaSize = instance.LaneLength - instance.SegmentLength + index - 1;
        }
        else
        {
            referenceAreaSize = instance.LaneLength - instance.SegmentLength + (index == 0 ? -1 : 0);
        }

        var x = ((ulong)pseudoRandom * pseudoRandom) >> 32;
        var y = ((ulong)referenceAreaSize * x) >> 32;
        var relative = (ulong)referenceAreaSize - 1 - y;
        var startPosition = pass != 0 && slice != SyncPoints - 1 ? (ulong)((slice + 1) * instance.SegmentLength) : 0UL;
        return (int)((startPosition + relative) % (ulong)instance.LaneLength);
    }

    private static void Finalize(in Instance instance, ulong* blocks, Span<byte> tag)
    {
        var final = stackalloc ulong[BlockWords];
        var finalSpan = new Span<ulong>(final, BlockWords);
        new ReadOnlySpan<ulong>(blocks + ((long)(instance.LaneLength - 1) * BlockWords), BlockWords).CopyTo(finalSpan);
        for (var lane = 1; lane < instance.Lanes; lane++)
        {
            var last = blocks + ((((long)lane * instance.LaneLength) + instance.LaneLength - 1) * BlockWords);
            for (var i = 0; i < BlockWords; i++)
            {
                final[i] ^= last[i];
            }
        }

        HPrime(MemoryMarshal.AsBytes(finalSpan), tag);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(finalSpan));
    }

    private readonly record struct Instance(int MemoryBlocks, int Lanes, int Passes, Argon2Engine Engine)
    {
        public int LaneLength => MemoryBlocks / Lanes;

        public int SegmentLength => MemoryBlocks / (Lanes * SyncPoints);
    }

    /// <summary>What the parallel lanes share; a class because lambdas cannot capture pointers by themselves.</summary>
    private sealed class Work(Instance instance, ulong* blocks)
    {
        public Instance Instance { get; } = instance;

        public ulong* Blocks { get; } = blocks;
    }
}
