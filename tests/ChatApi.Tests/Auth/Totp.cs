using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace ChatApi.Tests.Auth;

/// <summary>
/// What an authenticator app does (RFC 6238 with HMAC-SHA-1, 6 digits, 30 s), written independently of the library
/// so that the tests check the server against the standard, not against itself.
/// </summary>
internal static class Totp
{
    public static string Code(string base32Secret, DateTimeOffset at)
    {
        var counter = at.ToUnixTimeSeconds() / 30;
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        var mac = HMACSHA1.HashData(FromBase32(base32Secret), message);
        var offset = mac[^1] & 0x0F;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(mac.AsSpan(offset)) & 0x7FFFFFFF) % 1_000_000;
        return binary.ToString("D6", CultureInfo.InvariantCulture);
    }

    private static byte[] FromBase32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
            }
        }

        return [.. bytes];
    }
}
