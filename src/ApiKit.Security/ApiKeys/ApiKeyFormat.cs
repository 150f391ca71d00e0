using System.Security.Cryptography;
using System.Text;

namespace ApiKit.Security.ApiKeys;

/// <summary>
/// API key layout: <c>{prefix}_{id}_{secret}{checksum}</c>. The id (12 Base62 characters) finds the record, the
/// secret (32 Base62 characters, about 190 bits) proves possession, and the checksum (CRC-32 of everything before
/// it, as 6 Base62 characters) lets a typo be refused and a leaked key be confirmed by a scanner without any lookup.
/// </summary>
internal static class ApiKeyFormat
{
    public const int IdLength = 12;
    public const int SecretLength = 32;
    public const int ChecksumLength = 6;
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static (string Key, string Id) Generate(string prefix)
    {
        var id = RandomNumberGenerator.GetString(Base62, IdLength);
        var secret = RandomNumberGenerator.GetString(Base62, SecretLength);
        var body = $"{prefix}_{id}_{secret}";
        return (body + Checksum(body), id);
    }

    public static ApiKeyValidationStatus Parse(string key, string prefix, out string id)
    {
        id = string.Empty;
        var expectedLength = prefix.Length + 2 + IdLength + SecretLength + ChecksumLength;
        if (key.Length != expectedLength
            || !key.StartsWith(prefix, StringComparison.Ordinal)
            || key[prefix.Length] != '_'
            || key[prefix.Length + 1 + IdLength] != '_')
        {
            return ApiKeyValidationStatus.Malformed;
        }

        var idPart = key.AsSpan(prefix.Length + 1, IdLength);
        var tail = key.AsSpan(prefix.Length + 2 + IdLength);
        if (!IsBase62(idPart) || !IsBase62(tail))
        {
            return ApiKeyValidationStatus.Malformed;
        }

        var body = key.AsSpan(0, key.Length - ChecksumLength);
        if (!Checksum(body).AsSpan().SequenceEqual(key.AsSpan(key.Length - ChecksumLength)))
        {
            return ApiKeyValidationStatus.ChecksumMismatch;
        }

        id = idPart.ToString();
        return ApiKeyValidationStatus.Valid;
    }

    /// <summary>
    /// SHA-256 of the whole key. A slow password hash would buy nothing: the secret has ~190 bits from a CSPRNG,
    /// so there is no dictionary to try, and every authenticated request pays for this hash.
    /// </summary>
    public static byte[] Hash(string key)
    {
        Span<byte> buffer = stackalloc byte[128];
        var length = Encoding.ASCII.GetBytes(key, buffer);
        var digest = SHA256.HashData(buffer[..length]);
        CryptographicOperations.ZeroMemory(buffer);
        return digest;
    }

    private static string Checksum(ReadOnlySpan<char> body)
    {
        Span<byte> ascii = stackalloc byte[128];
        var length = Encoding.ASCII.GetBytes(body, ascii);
        var crc = Crc32.Compute(ascii[..length]);
        CryptographicOperations.ZeroMemory(ascii);
        Span<char> digits = stackalloc char[ChecksumLength];
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            digits[i] = Base62[(int)(crc % 62)];
            crc /= 62;
        }

        return new string(digits);
    }

    private static bool IsBase62(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
