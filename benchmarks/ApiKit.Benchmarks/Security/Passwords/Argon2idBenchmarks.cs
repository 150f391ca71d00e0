using System.Runtime.InteropServices;
using ApiKit.Security.Passwords;
using BenchmarkDotNet.Attributes;

namespace ApiKit.Benchmarks.Security.Passwords;

/// <summary>
/// One Argon2id hash (32-byte tag, 16-byte salt, p=1) at OWASP's parameters (19456 KiB, t=2) and at 64 MiB, t=3:
/// libsodium's vectorised <c>crypto_pwhash</c> (the baseline), the reference libargon2, and ApiKit's managed
/// implementation with block memory from its pool (wiped on return, as libsodium wipes its own).
/// </summary>
public class Argon2idBenchmarks
{
    private static readonly byte[] Password = "correct horse battery staple"u8.ToArray();
    private static readonly byte[] Salt = "ApiKit-bench-slt"u8.ToArray();
    private readonly byte[] _tag = new byte[32];
    private Argon2MemoryPool _pool = null!;

    [Params("m=19456,t=2", "m=65536,t=3")]
    public string Cost { get; set; } = "m=19456,t=2";

    private int MemoryKiB => Cost.StartsWith("m=19456", StringComparison.Ordinal) ? 19456 : 65536;

    private int Iterations => Cost.EndsWith("t=2", StringComparison.Ordinal) ? 2 : 3;

    [GlobalSetup]
    public void Setup()
    {
        if (Native.sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium failed to initialise.");
        }

        _pool = new Argon2MemoryPool(1);
        var sodium = Libsodium();
        var apiKit = ApiKit();
        if (!sodium.AsSpan().SequenceEqual(apiKit) || !sodium.AsSpan().SequenceEqual(LibArgon2()))
        {
            throw new InvalidOperationException("The three implementations disagree.");
        }
    }

    [Benchmark(Baseline = true)]
    public byte[] Libsodium()
    {
        var rc = Native.crypto_pwhash(_tag, (ulong)_tag.Length, Password, (ulong)Password.Length, Salt, (ulong)Iterations, (nuint)(MemoryKiB * 1024L), Native.CryptoPwhashAlgArgon2id13);
        return rc == 0 ? _tag : throw new InvalidOperationException("crypto_pwhash failed.");
    }

    [Benchmark]
    public byte[] LibArgon2()
    {
        var rc = Native.argon2id_hash_raw((uint)Iterations, (uint)MemoryKiB, 1, Password, (nuint)Password.Length, Salt, (nuint)Salt.Length, _tag, (nuint)_tag.Length);
        return rc == 0 ? _tag : throw new InvalidOperationException("argon2id_hash_raw failed.");
    }

    [Benchmark]
    public byte[] ApiKit()
    {
        var words = Argon2Core.WorkingWords(MemoryKiB, 1);
        var memory = _pool.Rent(words);
        try
        {
            Argon2Core.Hash(Password, Salt, [], [], Iterations, MemoryKiB, 1, _tag, memory, Argon2Compression.Best);
        }
        finally
        {
            _pool.Return(memory, words);
        }

        return _tag;
    }

    /// <summary>
    /// The same hash on fresh memory every time, as the C libraries allocate per call: shows what the pool is worth
    /// (at OWASP's 19 MiB a reused block memory stays in a 32 MiB L3 cache; fresh pages must be faulted in).
    /// </summary>
    [Benchmark]
    public byte[] ApiKitFreshMemory()
    {
        var memory = GC.AllocateUninitializedArray<ulong>((int)Argon2Core.WorkingWords(MemoryKiB, 1), pinned: true);
        Argon2Core.Hash(Password, Salt, [], [], Iterations, MemoryKiB, 1, _tag, memory, Argon2Compression.Best);
        return _tag;
    }

    private static class Native
    {
        public const int CryptoPwhashAlgArgon2id13 = 2;

        [DllImport("libsodium.so.23")]
        public static extern int sodium_init();

        [DllImport("libsodium.so.23")]
        public static extern int crypto_pwhash(byte[] output, ulong outputLength, byte[] password, ulong passwordLength, byte[] salt, ulong opsLimit, nuint memLimit, int algorithm);

        [DllImport("libargon2.so.1")]
        public static extern int argon2id_hash_raw(uint timeCost, uint memoryCost, uint parallelism, byte[] password, nuint passwordLength, byte[] salt, nuint saltLength, byte[] hash, nuint hashLength);
    }
}
