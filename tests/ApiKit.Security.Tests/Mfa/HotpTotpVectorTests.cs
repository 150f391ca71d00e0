using System.Text;
using ApiKit.Security.Mfa;

namespace ApiKit.Security.Tests.Mfa;

public sealed class HotpTotpVectorTests
{
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    [Theory]
    [InlineData(0, 755224)]
    [InlineData(1, 287082)]
    [InlineData(2, 359152)]
    [InlineData(3, 969429)]
    [InlineData(4, 338314)]
    [InlineData(5, 254676)]
    [InlineData(6, 287922)]
    [InlineData(7, 162583)]
    [InlineData(8, 399871)]
    [InlineData(9, 520489)]
    public void Compute_Rfc4226AppendixD_Matches(long counter, int expected) =>
        Assert.Equal(expected, Hotp.Compute(Sha1Seed, counter, 6, TotpAlgorithm.Sha1));

    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void ComputeCode_Rfc6238AppendixB_Matches(long unixSeconds, string sha1, string sha256, string sha512)
    {
        var step = unixSeconds / 30;
        Assert.Equal(sha1, TotpAuthenticator.ComputeCode(Sha1Seed, step, 8, TotpAlgorithm.Sha1));
        Assert.Equal(sha256, TotpAuthenticator.ComputeCode(Sha256Seed, step, 8, TotpAlgorithm.Sha256));
        Assert.Equal(sha512, TotpAuthenticator.ComputeCode(Sha512Seed, step, 8, TotpAlgorithm.Sha512));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_Rfc4648Vectors_RoundTrip(string text, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.True(Base32.TryDecode(encoded.ToLowerInvariant() + "======", out var decoded));
        Assert.Equal(text, Encoding.ASCII.GetString(decoded));
    }

    [Fact]
    public void Base32_InvalidCharacter_Fails() => Assert.False(Base32.TryDecode("MZXW1", out _));
}
