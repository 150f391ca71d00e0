using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ApiKit.Webhooks;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
/// The span overloads allocate nothing.
/// </summary>
public static class WebhookSigner
{
    /// <summary>The number of characters one <c>v1,</c> signature takes.</summary>
    public const int SignatureLength = 3 + 44;

    private const int StackLimit = 1024;
    private const int MaxIdBytes = 256;

    /// <summary>Writes the <c>v1,</c> signature of a message into <paramref name="destination"/>.</summary>
    /// <param name="key">The HMAC key (<see cref="WebhookSecret.Key"/>).</param>
    /// <param name="id">The message id (<c>webhook-id</c>).</param>
    /// <param name="timestamp">Unix seconds (<c>webhook-timestamp</c>).</param>
    /// <param name="body">The exact request body bytes.</param>
    /// <param name="destination">At least <see cref="SignatureLength"/> characters.</param>
    /// <returns>The number of characters written.</returns>
    public static int Sign(ReadOnlySpan<byte> key, ReadOnlySpan<char> id, long timestamp, ReadOnlySpan<byte> body, Span<char> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, SignatureLength, nameof(destination));
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeMac(key, id, timestamp, body, mac);
        "v1,".CopyTo(destination);
        Convert.TryToBase64Chars(mac, destination[3..], out var written);
        return 3 + written;
    }

    /// <summary>Returns the <c>v1,</c> signature of a message.</summary>
    /// <param name="secret">The signing secret.</param>
    /// <param name="id">The message id.</param>
    /// <param name="timestamp">Unix seconds.</param>
    /// <param name="body">The exact request body bytes.</param>
    /// <returns>The signature, e.g. <c>v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=</c>.</returns>
    public static string Sign(WebhookSecret secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(id);
        Span<char> buffer = stackalloc char[SignatureLength];
        var written = Sign(secret.Key, id, timestamp, body, buffer);
        return new string(buffer[..written]);
    }

    /// <summary>
    /// Checks a <c>webhook-signature</c> header (a space-separated list) against a key: every <c>v1,</c>
    /// candidate is compared in constant time; other versions are ignored.
    /// </summary>
    /// <param name="key">The HMAC key.</param>
    /// <param name="id">The message id.</param>
    /// <param name="timestamp">Unix seconds as sent.</param>
    /// <param name="body">The exact request body bytes.</param>
    /// <param name="signatureHeader">The header value.</param>
    /// <returns>Whether one candidate matched.</returns>
    public static bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<char> id, long timestamp, ReadOnlySpan<byte> body, ReadOnlySpan<char> signatureHeader)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeMac(key, id, timestamp, body, expected);
        return MatchesAny(expected, signatureHeader);
    }

    internal static bool MatchesAny(ReadOnlySpan<byte> expected, ReadOnlySpan<char> signatureHeader)
    {
        Span<byte> candidate = stackalloc byte[HMACSHA256.HashSizeInBytes + 3];
        var matched = false;
        foreach (var range in signatureHeader.Split(' '))
        {
            var part = signatureHeader[range];
            if (!part.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }

            if (Convert.TryFromBase64Chars(part[3..], candidate, out var written) && written == HMACSHA256.HashSizeInBytes)
            {
                // No early exit: every candidate costs the same whether or not an earlier one matched.
                matched |= CryptographicOperations.FixedTimeEquals(expected, candidate[..written]);
            }
        }

        return matched;
    }

    /// <summary>
    /// <see cref="Sign(ReadOnlySpan{byte}, ReadOnlySpan{char}, long, ReadOnlySpan{byte}, Span{char})"/> on one of the
    /// secret's reusable HMAC states: the dispatcher signs every attempt with a handful of secrets, and setting the key
    /// up again for each (what the one-shot HMAC does) costs about half as much again as hashing a 1 KB body.
    /// </summary>
    internal static int Sign(WebhookSecret secret, ReadOnlySpan<char> id, long timestamp, ReadOnlySpan<byte> body, Span<char> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, SignatureLength, nameof(destination));
        if (id.Length > MaxIdBytes)
        {
            throw new ArgumentException($"A webhook id is at most {MaxIdBytes} characters.", nameof(id));
        }

        Span<byte> prefix = stackalloc byte[(MaxIdBytes * 3) + 1 + 20 + 1];
        var position = Encoding.UTF8.GetBytes(id, prefix);
        prefix[position++] = (byte)'.';
        Utf8Formatter.TryFormat(timestamp, prefix[position..], out var written);
        position += written;
        prefix[position++] = (byte)'.';

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hmac = secret.RentHmac();
        try
        {
            hmac.AppendData(prefix[..position]);
            hmac.AppendData(body);
            hmac.GetHashAndReset(mac);
        }
        catch
        {
            hmac.Dispose();
            throw;
        }

        secret.ReturnHmac(hmac);
        "v1,".CopyTo(destination);
        Convert.TryToBase64Chars(mac, destination[3..], out var encoded);
        return 3 + encoded;
    }

    internal static void ComputeMac(ReadOnlySpan<byte> key, ReadOnlySpan<char> id, long timestamp, ReadOnlySpan<byte> body, Span<byte> mac)
    {
        if (id.Length > MaxIdBytes)
        {
            throw new ArgumentException($"A webhook id is at most {MaxIdBytes} characters.", nameof(id));
        }

        var length = Encoding.UTF8.GetMaxByteCount(id.Length) + 1 + 20 + 1 + body.Length;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var position = Encoding.UTF8.GetBytes(id, buffer);
            buffer[position++] = (byte)'.';
            Utf8Formatter.TryFormat(timestamp, buffer[position..], out var written);
            position += written;
            buffer[position++] = (byte)'.';
            body.CopyTo(buffer[position..]);
            position += body.Length;
            HMACSHA256.HashData(key, buffer[..position], mac);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
