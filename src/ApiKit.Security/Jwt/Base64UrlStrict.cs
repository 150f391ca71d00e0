using System.Buffers;
using System.Buffers.Text;

namespace ApiKit.Security.Jwt;

/// <summary>
/// Strict base64url (RFC 4648 section 5, as RFC 7515 section 2 requires): only the URL-safe alphabet, no padding,
/// no whitespace, and canonical trailing bits, so one byte string has exactly one accepted encoding.
/// </summary>
internal static class Base64UrlStrict
{
    private const string AlphabetChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly SearchValues<char> Alphabet = SearchValues.Create(AlphabetChars);
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

        // The BCL decoder is vectorized but lenient (it skips whitespace and accepts padding), so strictness is
        // checked first: only alphabet characters, and no data in the unused low bits of the last character.
        if (source.ContainsAnyExcept(Alphabet))
        {
            return false;
        }

        var unusedBits = (source.Length % 4) switch
        {
            2 => 0x0F,
            3 => 0x03,
            _ => 0,
        };
        if (unusedBits != 0 && (DecodeMap[source[^1]] & unusedBits) != 0)
        {
            return false;
        }

        var status = Base64Url.DecodeFromChars(source, destination[..length], out var consumed, out written);
        return status == OperationStatus.Done && consumed == source.Length && written == length;
    }

    /// <summary>Encodes <paramref name="source"/> as unpadded base64url.</summary>
    public static string Encode(ReadOnlySpan<byte> source) => Base64Url.EncodeToString(source);

    private static sbyte[] BuildDecodeMap()
    {
        var map = new sbyte[128];
        Array.Fill(map, (sbyte)-1);
        for (var i = 0; i < AlphabetChars.Length; i++)
        {
            map[AlphabetChars[i]] = (sbyte)i;
        }

        return map;
    }
}
