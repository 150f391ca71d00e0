using System.Buffers.Text;

namespace ApiKit.Security.Jwt;

/// <summary>
/// Strict base64url (RFC 4648 section 5, as RFC 7515 section 2 requires): only the URL-safe alphabet, no padding,
/// no whitespace, and canonical trailing bits, so one byte string has exactly one accepted encoding.
/// </summary>
internal static class Base64UrlStrict
{
    private static readonly sbyte[] DecodeMap = BuildDecodeMap();

    /// <summary>The number of bytes <paramref name="encodedLength"/> characters decode to, or -1 when no valid encoding has that length.</summary>
    public static int DecodedLength(int encodedLength) => (encodedLength % 4) switch
    {
        0 => encodedLength / 4 * 3,
        2 => (encodedLength / 4 * 3) + 1,
        3 => (encodedLength / 4 * 3) + 2,
        _ => -1,
    };

    /// <summary>Decodes <paramref name="source"/> into <paramref name="destination"/>; false on any deviation from strict base64url.</summary>
    public static bool TryDecode(ReadOnlySpan<char> source, Span<byte> destination, out int written)
    {
        written = 0;
        var length = DecodedLength(source.Length);
        if (length < 0 || destination.Length < length)
        {
            return false;
        }

        var map = DecodeMap;
        var full = source.Length / 4 * 4;
        var o = 0;
        for (var i = 0; i < full; i += 4)
        {
            var a = Lookup(map, source[i]);
            var b = Lookup(map, source[i + 1]);
            var c = Lookup(map, source[i + 2]);
            var d = Lookup(map, source[i + 3]);
            if ((a | b | c | d) < 0)
            {
                return false;
            }

            var v = (a << 18) | (b << 12) | (c << 6) | d;
            destination[o] = (byte)(v >> 16);
            destination[o + 1] = (byte)(v >> 8);
            destination[o + 2] = (byte)v;
            o += 3;
        }

        var rest = source.Length - full;
        if (rest == 2)
        {
            var a = Lookup(map, source[full]);
            var b = Lookup(map, source[full + 1]);

            // The low four bits of the last character carry no data; a non-zero value is a second encoding of the same bytes.
            if ((a | b) < 0 || (b & 0x0F) != 0)
            {
                return false;
            }

            destination[o++] = (byte)((a << 2) | (b >> 4));
        }
        else if (rest == 3)
        {
            var a = Lookup(map, source[full]);
            var b = Lookup(map, source[full + 1]);
            var c = Lookup(map, source[full + 2]);
            if ((a | b | c) < 0 || (c & 0x03) != 0)
            {
                return false;
            }

            destination[o++] = (byte)((a << 2) | (b >> 4));
            destination[o++] = (byte)((b << 4) | (c >> 2));
        }

        written = o;
        return true;
    }

    /// <summary>Encodes <paramref name="source"/> as unpadded base64url.</summary>
    public static string Encode(ReadOnlySpan<byte> source) => Base64Url.EncodeToString(source);

    private static int Lookup(sbyte[] map, char c) => c < 128 ? map[c] : -1;

    private static sbyte[] BuildDecodeMap()
    {
        var map = new sbyte[128];
        Array.Fill(map, (sbyte)-1);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var i = 0; i < Alphabet.Length; i++)
        {
            map[Alphabet[i]] = (sbyte)i;
        }

        return map;
    }
}
