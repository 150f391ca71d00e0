using System.Globalization;
using System.Text;

namespace ApiKit.Security.Passwords;

/// <summary>
/// The PHC string format of an Argon2id hash, <c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c> with unpadded
/// standard Base64, exactly as libsodium's <c>crypto_pwhash_str</c> and the reference <c>argon2</c> tool write it.
/// </summary>
internal sealed record Argon2idHashString(int MemoryKiB, int Iterations, int Parallelism, byte[] Salt, byte[] Hash)
{
    private const string Prefix = "$argon2id$v=19$m=";
    private const int MaxEncodedLength = 512;
    private const int MaxHashBytes = 256;

    public static string Format(int memoryKiB, int iterations, int parallelism, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> hash)
    {
        var builder = new StringBuilder(Prefix.Length + 32 + (((salt.Length + hash.Length) * 4) / 3));
        builder.Append(CultureInfo.InvariantCulture, $"{Prefix}{memoryKiB},t={iterations},p={parallelism}$");
        builder.Append(ToBase64NoPadding(salt)).Append('$').Append(ToBase64NoPadding(hash));
        return builder.ToString();
    }

    /// <summary>Parses <paramref name="encoded"/> strictly; anything malformed, non-canonical or out of Argon2's bounds is refused.</summary>
    public static bool TryParse(string? encoded, out Argon2idHashString? result)
    {
        result = null;
        if (encoded is null || encoded.Length > MaxEncodedLength || !encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = encoded.AsSpan(Prefix.Length);
        if (!TryReadNumber(ref rest, ",t=", out var memory)
            || !TryReadNumber(ref rest, ",p=", out var iterations)
            || !TryReadNumber(ref rest, "$", out var parallelism))
        {
            return false;
        }

        var separator = rest.IndexOf('$');
        if (separator < 0
            || !TryFromBase64NoPadding(rest[..separator], out var salt)
            || !TryFromBase64NoPadding(rest[(separator + 1)..], out var hash))
        {
            return false;
        }

        if (iterations < 1 || parallelism is < 1 or > Argon2Core.MaxLanes || memory < 8L * parallelism
            || salt.Length < Argon2Core.MinSaltBytes || hash.Length is < Argon2Core.MinTagBytes or > MaxHashBytes)
        {
            return false;
        }

        result = new Argon2idHashString(memory, iterations, parallelism, salt, hash);
        return true;
    }

    private static bool TryReadNumber(ref ReadOnlySpan<char> text, string terminator, out int value)
    {
        value = 0;
        var end = text.IndexOf(terminator, StringComparison.Ordinal);

        // Digits only, no sign, no leading zero, at most ten digits: one canonical spelling per value.
        if (end is < 1 or > 10 || (text[0] == '0' && end > 1))
        {
            return false;
        }

        foreach (var c in text[..end])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (!long.TryParse(text[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > int.MaxValue)
        {
            return false;
        }

        value = (int)parsed;
        text = text[(end + terminator.Length)..];
        return true;
    }

    private static string ToBase64NoPadding(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryFromBase64NoPadding(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.IsEmpty || text.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                return false;
            }
        }

        var padded = new char[text.Length + ((4 - (text.Length % 4)) % 4)];
        text.CopyTo(padded);
        padded.AsSpan(text.Length).Fill('=');
        var buffer = new byte[(padded.Length / 4) * 3];
        if (!Convert.TryFromBase64Chars(padded, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];

        // Unused low bits of the last character must be zero, as the reference decoder requires.
        return ToBase64NoPadding(bytes).AsSpan().SequenceEqual(text);
    }
}
