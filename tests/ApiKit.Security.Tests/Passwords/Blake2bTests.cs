using ApiKit.Security.Passwords;

namespace ApiKit.Security.Tests.Passwords;

public sealed class Blake2bTests
{
    [Fact]
    public void Hash_Rfc7693AppendixA_Abc()
    {
        Span<byte> output = stackalloc byte[64];
        Blake2b.Hash("abc"u8, output);
        Assert.Equal(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            Convert.ToHexStringLower(output));
    }

    // From the reference blake2b-kat.txt (key = 00..3f, input = 00..n-1); lengths around the 128-byte block boundary.
    [Theory]
    [InlineData(0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568")]
    [InlineData(1, "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd")]
    [InlineData(127, "76d2d819c92bce55fa8e092ab1bf9b9eab237a25267986cacf2b8ee14d214d730dc9a5aa2d7b596e86a1fd8fa0804c77402d2fcd45083688b218b1cdfa0dcbcb")]
    [InlineData(128, "72065ee4dd91c2d8509fa1fc28a37c7fc9fa7d5b3f8ad3d0d7a25626b57b1b44788d4caf806290425f9890a3a2a35a905ab4b37acfd0da6e4517b2525c9651e4")]
    [InlineData(129, "64475dfe7600d7171bea0b394e27c9b00d8e74dd1e416a79473682ad3dfdbb706631558055cfc8a40e07bd015a4540dcdea15883cbbf31412df1de1cd4152b91")]
    [InlineData(255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e92484be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461")]
    public void Hash_KeyedKatVector_Matches(int length, string expected)
    {
        var key = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var input = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var output = new byte[64];
        Blake2b.Hash(input, output, key);
        Assert.Equal(expected, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Hash_ShortOutputsAndShortKey_MatchPythonHashlib()
    {
        var output = new byte[32];
        Blake2b.Hash([], output);
        Assert.Equal("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8", Convert.ToHexStringLower(output));

        var twenty = new byte[20];
        Blake2b.Hash(Enumerable.Range(0, 200).Select(i => (byte)i).ToArray(), twenty, "short"u8);
        Assert.Equal("3b18c3bcedb07a6ff52d20d7e02dec9ba268000e", Convert.ToHexStringLower(twenty));
    }

    [Fact]
    public void Update_InPieces_EqualsOneShot()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var expected = new byte[64];
        Blake2b.Hash(data, expected);
        foreach (var piece in new[] { 1, 63, 127, 128, 129, 500 })
        {
            var state = default(Blake2b);
            state.Initialize(64);
            for (var offset = 0; offset < data.Length; offset += piece)
            {
                state.Update(data.AsSpan(offset, Math.Min(piece, data.Length - offset)));
            }

            var actual = new byte[64];
            state.Finish(actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Initialize_BadLengths_Throw()
    {
        var state = default(Blake2b);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.Initialize(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => state.Initialize(65));
        Assert.Throws<ArgumentOutOfRangeException>(() => state.Initialize(64, new byte[65]));
    }
}
