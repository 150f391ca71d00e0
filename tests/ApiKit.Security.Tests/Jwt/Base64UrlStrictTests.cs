using ApiKit.Security.Jwt;
using FsCheck;
using FsCheck.Fluent;

namespace ApiKit.Security.Tests.Jwt;

public sealed class Base64UrlStrictTests
{
    [Fact]
    public void TryDecode_AnyBytesEncoded_RoundTrips()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            bytes ??= [];
            var encoded = JwtTestKit.B64(bytes);
            var buffer = new byte[bytes.Length];
            return Base64UrlStrict.TryDecode(encoded, buffer, out var written) && buffer.AsSpan(0, written).SequenceEqual(bytes);
        }));
    }

    [Fact]
    public void TryDecode_AnyString_AcceptsExactlyCanonicalBase64Url()
    {
        var chars = Gen.Elements("AQgwBb-_=+/ .\u00e9".ToCharArray());
        var strings = Gen.ArrayOf(chars).Select(c => new string(c));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000), Prop.ForAll(Arb.From(strings), s =>
        {
            var accepted = Base64UrlStrict.TryDecode(s, new byte[s.Length], out _);
            return accepted == IsCanonical(s);
        }));
    }

    // Reference: alphabet only, a possible length, and re-encoding the decoded bytes gives the input back.
    private static bool IsCanonical(string s)
    {
        if (s.Length % 4 == 1 || s.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return false;
        }

        return JwtTestKit.B64(JwtTestKit.FromB64(s)) == s;
    }
}
