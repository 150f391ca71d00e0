using ApiKit.Security.Passwords;

namespace ApiKit.Security.Tests.Passwords;

public sealed class Argon2CoreTests
{
    public static TheoryData<string> Engines => [.. Argon2Compression.Supported.Select(e => e.ToString())];

    [Theory]
    [MemberData(nameof(Engines))]
    public void Hash_Rfc9106Section53Vector_Matches(string engineName)
    {
        var engine = Enum.Parse<Argon2Engine>(engineName);
        var password = Enumerable.Repeat((byte)0x01, 32).ToArray();
        var salt = Enumerable.Repeat((byte)0x02, 16).ToArray();
        var secret = Enumerable.Repeat((byte)0x03, 8).ToArray();
        var associatedData = Enumerable.Repeat((byte)0x04, 12).ToArray();
        var tag = new byte[32];
        var memory = new ulong[Argon2Core.WorkingWords(32, 4)];

        Argon2Core.Hash(password, salt, secret, associatedData, iterations: 3, memoryKiB: 32, lanes: 4, tag, memory, engine);

        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(tag));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public unsafe void FillBlock_RandomBlocks_EqualsScalar(string engineName)
    {
        var engine = Enum.Parse<Argon2Engine>(engineName);
        var random = new Random(9106);
        for (var trial = 0; trial < 50; trial++)
        {
            var prev = RandomBlock(random);
            var reference = RandomBlock(random);
            var next = RandomBlock(random);
            var scalar = (ulong[])next.Clone();
            var vector = (ulong[])next.Clone();
            var withXor = trial % 2 == 0;
            fixed (ulong* p = prev, r = reference, s = scalar, v = vector)
            {
                Argon2Compression.FillBlockScalar(p, r, s, withXor);
                Argon2Compression.FillBlock(p, r, v, withXor, engine);
            }

            Assert.Equal(scalar, vector);
            Assert.NotEqual(next, scalar);
        }
    }

    [Fact]
    public void Best_IsTheMostCapableSupportedEngine()
    {
        Assert.Contains(Argon2Engine.Scalar, Argon2Compression.Supported);
        Assert.Equal(Argon2Compression.Supported[^1], Argon2Compression.Best);
    }

    private static ulong[] RandomBlock(Random random)
    {
        var block = new ulong[Argon2Compression.BlockWords];
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(block.AsSpan()));
        return block;
    }

    [Fact]
    public void HPrime_LongOutput_ChainsThirtyTwoBytePieces()
    {
        // H'(X) for T > 64 is V1[0..32] || V2[0..32] || ... || V(r+1), each Vi = BLAKE2b-64 of the previous.
        var input = "argon2"u8.ToArray();
        var output = new byte[100];
        Argon2Core.HPrime(input, output);

        var v1 = new byte[64];
        Blake2b.Hash([.. BitConverter.GetBytes(100), .. input], v1);
        var v2 = new byte[64];
        Blake2b.Hash(v1, v2);
        var last = new byte[36];
        Blake2b.Hash(v2, last);
        Assert.Equal([.. v1[..32], .. v2[..32], .. last], output);
    }

    [Fact]
    public void Hash_BadParameters_Throw()
    {
        var memory = new ulong[Argon2Core.WorkingWords(64, 1)];
        var tag = new byte[32];
        var salt = new byte[16];
        Assert.Throws<ArgumentOutOfRangeException>(() => Argon2Core.Hash([], salt, [], [], 0, 64, 1, tag, memory, Argon2Engine.Scalar));
        Assert.Throws<ArgumentOutOfRangeException>(() => Argon2Core.Hash([], salt, [], [], 1, 7, 1, tag, memory, Argon2Engine.Scalar));
        Assert.Throws<ArgumentOutOfRangeException>(() => Argon2Core.Hash([], new byte[7], [], [], 1, 64, 1, tag, memory, Argon2Engine.Scalar));
        Assert.Throws<ArgumentOutOfRangeException>(() => Argon2Core.Hash([], salt, [], [], 1, 64, 1, new byte[3], memory, Argon2Engine.Scalar));
        Assert.Throws<ArgumentException>(() => Argon2Core.Hash([], salt, [], [], 1, 128, 1, tag, memory, Argon2Engine.Scalar));
    }
}
