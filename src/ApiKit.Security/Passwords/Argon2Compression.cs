using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ApiKit.Security.Passwords;

/// <summary>
/// Argon2's compression function G (RFC 9106 section 3.5): R = X xor Y, the BLAKE2b-based permutation P
/// over the eight rows and then the eight columns of R, and the result xored with R (and, from the second
/// pass on, with the block being overwritten). Implementations: AVX2 (with AVX-512VL rotates where available)
/// and portable scalar.
/// </summary>
internal static unsafe class Argon2Compression
{
    public const int BlockWords = 128;

    /// <summary>Gets the fastest engine this machine runs.</summary>
    public static Argon2Engine Best { get; } =
        Avx2.IsSupported && Avx512F.VL.IsSupported ? Argon2Engine.Avx512Rotate
        : Avx2.IsSupported ? Argon2Engine.Avx2
        : Argon2Engine.Scalar;

    /// <summary>Gets every engine this machine can run, so that tests prove each one.</summary>
    public static IReadOnlyList<Argon2Engine> Supported { get; } =
        [Argon2Engine.Scalar, .. Avx2.IsSupported ? [Argon2Engine.Avx2] : Array.Empty<Argon2Engine>(), .. Best == Argon2Engine.Avx512Rotate ? [Argon2Engine.Avx512Rotate] : Array.Empty<Argon2Engine>()];

    /// <summary>
    /// <c>next = G(prev, reference)</c>, or <c>next ^= G(prev, reference)</c> when <paramref name="withXor"/>.
    /// <paramref name="next"/> may be the same block as <paramref name="reference"/> (address generation).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FillBlock(ulong* prev, ulong* reference, ulong* next, bool withXor, Argon2Engine engine)
    {
        switch (engine)
        {
            case Argon2Engine.Avx512Rotate when Avx512F.VL.IsSupported && Avx2.IsSupported:
                FillBlockAvx2<Avx512Rotations>(prev, reference, next, withXor);
                break;
            case Argon2Engine.Avx2 or Argon2Engine.Avx512Rotate when Avx2.IsSupported:
                FillBlockAvx2<Avx2Rotations>(prev, reference, next, withXor);
                break;
            default:
                FillBlockScalar(prev, reference, next, withXor);
                break;
        }
    }

    [SkipLocalsInit]
    public static void FillBlockScalar(ulong* prev, ulong* reference, ulong* next, bool withXor)
    {
        var r = stackalloc ulong[BlockWords];
        var t = stackalloc ulong[BlockWords];
        for (var i = 0; i < BlockWords; i++)
        {
            r[i] = reference[i] ^ prev[i];
            t[i] = withXor ? r[i] ^ next[i] : r[i];
        }

        for (var i = 0; i < 8; i++)
        {
            var row = r + (16 * i);
            RoundScalar(
                ref row[0], ref row[1], ref row[2], ref row[3], ref row[4], ref row[5], ref row[6], ref row[7],
                ref row[8], ref row[9], ref row[10], ref row[11], ref row[12], ref row[13], ref row[14], ref row[15]);
        }

        for (var i = 0; i < 8; i++)
        {
            var c = r + (2 * i);
            RoundScalar(
                ref c[0], ref c[1], ref c[16], ref c[17], ref c[32], ref c[33], ref c[48], ref c[49],
                ref c[64], ref c[65], ref c[80], ref c[81], ref c[96], ref c[97], ref c[112], ref c[113]);
        }

        for (var i = 0; i < BlockWords; i++)
        {
            next[i] = t[i] ^ r[i];
        }
    }

    [SkipLocalsInit]
    private static void FillBlockAvx2<TRotations>(ulong* prev, ulong* reference, ulong* next, bool withXor)
        where TRotations : struct, IRotations
    {
        // R lives on the stack as 32 vectors; the final xor re-reads X, Y (and the old block) rather than keeping a copy.
        var r = stackalloc Vector256<ulong>[32];

        // The reference block is a random 1 KiB of memory: asking for all 16 cache lines at once overlaps their
        // misses instead of waiting for them row by row.
        for (var line = 0; line < BlockWords; line += 8)
        {
            Sse.Prefetch0(reference + line);
        }

        // Rows: row i is vectors 4i..4i+3, i.e. (v0..v3), (v4..v7), (v8..v11), (v12..v15); two rows at a time for ILP,
        // straight from X xor Y in registers.
        for (var k = 0; k < 32; k += 8)
        {
            var a0 = Avx.LoadVector256(reference + (4 * k)) ^ Avx.LoadVector256(prev + (4 * k));
            var b0 = Avx.LoadVector256(reference + (4 * k) + 4) ^ Avx.LoadVector256(prev + (4 * k) + 4);
            var c0 = Avx.LoadVector256(reference + (4 * k) + 8) ^ Avx.LoadVector256(prev + (4 * k) + 8);
            var d0 = Avx.LoadVector256(reference + (4 * k) + 12) ^ Avx.LoadVector256(prev + (4 * k) + 12);
            var a1 = Avx.LoadVector256(reference + (4 * k) + 16) ^ Avx.LoadVector256(prev + (4 * k) + 16);
            var b1 = Avx.LoadVector256(reference + (4 * k) + 20) ^ Avx.LoadVector256(prev + (4 * k) + 20);
            var c1 = Avx.LoadVector256(reference + (4 * k) + 24) ^ Avx.LoadVector256(prev + (4 * k) + 24);
            var d1 = Avx.LoadVector256(reference + (4 * k) + 28) ^ Avx.LoadVector256(prev + (4 * k) + 28);
            Round2<TRotations>(ref a0, ref b0, ref c0, ref d0, ref a1, ref b1, ref c1, ref d1);
            r[k] = a0;
            r[k + 1] = b0;
            r[k + 2] = c0;
            r[k + 3] = d0;
            r[k + 4] = a1;
            r[k + 5] = b1;
            r[k + 6] = c1;
            r[k + 7] = d1;
        }

        // Columns: column 2j (low 128-bit halves) and 2j+1 (high halves) both live in vectors j, j+4, ..., j+28.
        for (var j = 0; j < 4; j++)
        {
            var p = r + j;
            var a0 = Avx2.Permute2x128(p[0], p[4], 0x20);
            var a1 = Avx2.Permute2x128(p[0], p[4], 0x31);
            var b0 = Avx2.Permute2x128(p[8], p[12], 0x20);
            var b1 = Avx2.Permute2x128(p[8], p[12], 0x31);
            var c0 = Avx2.Permute2x128(p[16], p[20], 0x20);
            var c1 = Avx2.Permute2x128(p[16], p[20], 0x31);
            var d0 = Avx2.Permute2x128(p[24], p[28], 0x20);
            var d1 = Avx2.Permute2x128(p[24], p[28], 0x31);
            Round2<TRotations>(ref a0, ref b0, ref c0, ref d0, ref a1, ref b1, ref c1, ref d1);
            p[0] = Avx2.Permute2x128(a0, a1, 0x20);
            p[4] = Avx2.Permute2x128(a0, a1, 0x31);
            p[8] = Avx2.Permute2x128(b0, b1, 0x20);
            p[12] = Avx2.Permute2x128(b0, b1, 0x31);
            p[16] = Avx2.Permute2x128(c0, c1, 0x20);
            p[20] = Avx2.Permute2x128(c0, c1, 0x31);
            p[24] = Avx2.Permute2x128(d0, d1, 0x20);
            p[28] = Avx2.Permute2x128(d0, d1, 0x31);
        }

        if (withXor)
        {
            for (var k = 0; k < 32; k++)
            {
                var x = Avx.LoadVector256(reference + (4 * k)) ^ Avx.LoadVector256(prev + (4 * k));
                Avx.Store(next + (4 * k), x ^ r[k] ^ Avx.LoadVector256(next + (4 * k)));
            }
        }
        else
        {
            for (var k = 0; k < 32; k++)
            {
                var x = Avx.LoadVector256(reference + (4 * k)) ^ Avx.LoadVector256(prev + (4 * k));
                Avx.Store(next + (4 * k), x ^ r[k]);
            }
        }
    }

    /// <summary>Two independent BLAKE2b rounds (without message) on (a0..d0) and (a1..d1), interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round2<TRotations>(
        ref Vector256<ulong> a0, ref Vector256<ulong> b0, ref Vector256<ulong> c0, ref Vector256<ulong> d0,
        ref Vector256<ulong> a1, ref Vector256<ulong> b1, ref Vector256<ulong> c1, ref Vector256<ulong> d1)
        where TRotations : struct, IRotations
    {
        G2<TRotations>(ref a0, ref b0, ref c0, ref d0, ref a1, ref b1, ref c1, ref d1);

        // Diagonalize: lane k then holds (v_k, v_4+(k+1)%4, v_8+(k+2)%4, v_12+(k+3)%4).
        b0 = Avx2.Permute4x64(b0, 0x39);
        c0 = Avx2.Permute4x64(c0, 0x4E);
        d0 = Avx2.Permute4x64(d0, 0x93);
        b1 = Avx2.Permute4x64(b1, 0x39);
        c1 = Avx2.Permute4x64(c1, 0x4E);
        d1 = Avx2.Permute4x64(d1, 0x93);

        G2<TRotations>(ref a0, ref b0, ref c0, ref d0, ref a1, ref b1, ref c1, ref d1);

        b0 = Avx2.Permute4x64(b0, 0x93);
        c0 = Avx2.Permute4x64(c0, 0x4E);
        d0 = Avx2.Permute4x64(d0, 0x39);
        b1 = Avx2.Permute4x64(b1, 0x93);
        c1 = Avx2.Permute4x64(c1, 0x4E);
        d1 = Avx2.Permute4x64(d1, 0x39);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G2<TRotations>(
        ref Vector256<ulong> a0, ref Vector256<ulong> b0, ref Vector256<ulong> c0, ref Vector256<ulong> d0,
        ref Vector256<ulong> a1, ref Vector256<ulong> b1, ref Vector256<ulong> c1, ref Vector256<ulong> d1)
        where TRotations : struct, IRotations
    {
        a0 = BlaMka(a0, b0);
        a1 = BlaMka(a1, b1);
        d0 = TRotations.Rotr32(d0 ^ a0);
        d1 = TRotations.Rotr32(d1 ^ a1);
        c0 = BlaMka(c0, d0);
        c1 = BlaMka(c1, d1);
        b0 = TRotations.Rotr24(b0 ^ c0);
        b1 = TRotations.Rotr24(b1 ^ c1);
        a0 = BlaMka(a0, b0);
        a1 = BlaMka(a1, b1);
        d0 = TRotations.Rotr16(d0 ^ a0);
        d1 = TRotations.Rotr16(d1 ^ a1);
        c0 = BlaMka(c0, d0);
        c1 = BlaMka(c1, d1);
        b0 = TRotations.Rotr63(b0 ^ c0);
        b1 = TRotations.Rotr63(b1 ^ c1);
    }

    /// <summary>x + y + 2 * lo32(x) * lo32(y), lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> BlaMka(Vector256<ulong> x, Vector256<ulong> y)
    {
        var product = Avx2.Multiply(x.AsUInt32(), y.AsUInt32());
        return x + y + product + product;
    }

    /// <summary>The four BLAKE2b rotations; a type parameter so that the JIT specialises and inlines each variant.</summary>
    private interface IRotations
    {
        static abstract Vector256<ulong> Rotr32(Vector256<ulong> x);

        static abstract Vector256<ulong> Rotr24(Vector256<ulong> x);

        static abstract Vector256<ulong> Rotr16(Vector256<ulong> x);

        static abstract Vector256<ulong> Rotr63(Vector256<ulong> x);
    }

    /// <summary>AVX2 has no 64-bit rotate: dword shuffle, byte shuffles, and add-plus-shift.</summary>
    private readonly struct Avx2Rotations : IRotations
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Rotr32(Vector256<ulong> x) => Avx2.Shuffle(x.AsUInt32(), 0xB1).AsUInt64();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Rotr24(Vector256<ulong> x) =>
            Avx2.Shuffle(x.AsByte(), Vector256.Create((byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10)).AsUInt64();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Rotr16(Vector256<ulong> x) =>
            Avx2.Shuffle(x.AsByte(), Vector256.Create((byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9)).AsUInt64();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Rotr63(Vector256<ulong> x) => (x + x) ^ Avx2.ShiftRightLogical(x, 63);
    }

    /// <summary>AVX-512VL's vprorq rotates 256-bit vectors in one instruction.</summary>
    private readonly struct Avx512Rotations : IRotations
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Rotr32(Vector256<ulong> x) => Avx512F.VL.RotateRight(x, 32);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Rotr24(Vector256<ulong> x) => Avx512F.VL.RotateRight(x, 24);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Rotr16(Vector256<ulong> x) => Avx512F.VL.RotateRight(x, 16);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Rotr63(Vector256<ulong> x) => Avx512F.VL.RotateRight(x, 63);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RoundScalar(
        ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3, ref ulong v4, ref ulong v5, ref ulong v6, ref ulong v7,
        ref ulong v8, ref ulong v9, ref ulong v10, ref ulong v11, ref ulong v12, ref ulong v13, ref ulong v14, ref ulong v15)
    {
        GScalar(ref v0, ref v4, ref v8, ref v12);
        GScalar(ref v1, ref v5, ref v9, ref v13);
        GScalar(ref v2, ref v6, ref v10, ref v14);
        GScalar(ref v3, ref v7, ref v11, ref v15);
        GScalar(ref v0, ref v5, ref v10, ref v15);
        GScalar(ref v1, ref v6, ref v11, ref v12);
        GScalar(ref v2, ref v7, ref v8, ref v13);
        GScalar(ref v3, ref v4, ref v9, ref v14);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GScalar(ref ulong a, ref ulong b, ref ulong c, ref ulong d)
    {
        a = BlaMka(a, b);
        d = BitOperations.RotateRight(d ^ a, 32);
        c = BlaMka(c, d);
        b = BitOperations.RotateRight(b ^ c, 24);
        a = BlaMka(a, b);
        d = BitOperations.RotateRight(d ^ a, 16);
        c = BlaMka(c, d);
        b = BitOperations.RotateRight(b ^ c, 63);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BlaMka(ulong x, ulong y) => x + y + (2 * (ulong)(uint)x * (uint)y);
}

/// <summary>Which implementation of the compression function runs.</summary>
internal enum Argon2Engine
{
    /// <summary>Portable 64-bit scalar code.</summary>
    Scalar,

    /// <summary>Vector256 with AVX2 instructions only.</summary>
    Avx2,

    /// <summary>Vector256 with AVX2, rotating with AVX-512VL's vprorq.</summary>
    Avx512Rotate,
}
