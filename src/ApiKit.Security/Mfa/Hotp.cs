using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ApiKit.Security.Mfa;

/// <summary>HOTP (RFC 4226): HMAC of the big-endian counter, dynamic truncation, modulo 10^digits.</summary>
internal static class Hotp
{
    private static ReadOnlySpan<int> PowersOfTen => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "RFC 4226/6238 define HOTP over HMAC-SHA-1, the only algorithm every authenticator app supports; HMAC-SHA-1 is not affected by SHA-1 collisions.")]
    public static int Compute(ReadOnlySpan<byte> key, long counter, int digits, TotpAlgorithm algorithm)
    {
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        Span<byte> mac = stackalloc byte[64];
        var length = algorithm switch
        {
            TotpAlgorithm.Sha1 => HMACSHA1.HashData(key, message, mac),
            TotpAlgorithm.Sha256 => HMACSHA256.HashData(key, message, mac),
            TotpAlgorithm.Sha512 => HMACSHA512.HashData(key, message, mac),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown TOTP algorithm."),
        };
        var offset = mac[length - 1] & 0x0F;
        var binary = ((mac[offset] & 0x7F) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
        CryptographicOperations.ZeroMemory(mac);
        return binary % PowersOfTen[digits];
    }

    /// <summary>Writes the code as exactly <paramref name="digits"/> ASCII digits, with leading zeros.</summary>
    public static void Format(int code, int digits, Span<byte> destination)
    {
        for (var i = digits - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (code % 10));
            code /= 10;
        }
    }
}
