namespace ApiKit.Security.Mfa;

/// <summary>RFC 4648 Base32 (upper case, no padding), the encoding authenticator apps expect for TOTP secrets.</summary>
internal static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var output = new char[((data.Length * 8) + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            output[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(output, 0, index);
    }

    /// <summary>Decodes, tolerating lower case, spaces and trailing padding as people and apps write them.</summary>
    public static bool TryDecode(string text, out byte[] data)
    {
        data = [];
        var output = new byte[(text.Length * 5) / 8];
        int buffer = 0, bits = 0, index = 0;
        var trimmed = text.AsSpan().TrimEnd('=');
        foreach (var raw in trimmed)
        {
            if (raw == ' ')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw);
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }

        data = output[..index];
        return true;
    }
}
