using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ApiKit.Webhooks;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> followed by the base64 of the HMAC key bytes.
/// </summary>
/// <remarks>The key bytes never appear in <see cref="object.ToString"/> output of other types or in logs.</remarks>
public sealed class WebhookSecret
{
    /// <summary>The prefix every secret carries.</summary>
    public const string Prefix = "whsec_";

    /// <summary>The fewest key bytes a secret may hold (Standard Webhooks: 24).</summary>
    public const int MinKeyBytes = 24;

    /// <summary>The most key bytes a secret may hold (Standard Webhooks: 64).</summary>
    public const int MaxKeyBytes = 64;

    private readonly byte[] _key;
    private readonly string _text;

    // HMAC states keyed with this secret and reset, for WebhookSigner: at most one per signature computed at once.
    private readonly ConcurrentQueue<IncrementalHash> _hmacs = new();

    private WebhookSecret(byte[] key, string text)
    {
        _key = key;
        _text = text;
    }

    /// <summary>Gets the raw HMAC key.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>Creates a secret from <paramref name="keyBytes"/> random bytes drawn from the OS generator.</summary>
    /// <param name="keyBytes">Key length, between <see cref="MinKeyBytes"/> and <see cref="MaxKeyBytes"/>.</param>
    /// <returns>The new secret.</returns>
    public static WebhookSecret Generate(int keyBytes = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyBytes, MinKeyBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyBytes, MaxKeyBytes);
        var key = RandomNumberGenerator.GetBytes(keyBytes);
        return new WebhookSecret(key, Prefix + Convert.ToBase64String(key));
    }

    /// <summary>Parses a <c>whsec_</c> secret.</summary>
    /// <param name="text">The secret text.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="FormatException">The text is not a valid secret.</exception>
    public static WebhookSecret Parse(string text) =>
        TryParse(text, out var secret) ? secret : throw new FormatException($"A webhook secret is '{Prefix}' followed by the base64 of {MinKeyBytes} to {MaxKeyBytes} bytes.");

    /// <summary>Tries to parse a <c>whsec_</c> secret.</summary>
    /// <param name="text">The secret text.</param>
    /// <param name="secret">The parsed secret.</param>
    /// <returns>Whether the text was a valid secret.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookSecret? secret)
    {
        secret = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[MaxKeyBytes + 3];
        if (!Convert.TryFromBase64Chars(text.AsSpan(Prefix.Length), buffer, out var written)
            || written < MinKeyBytes || written > MaxKeyBytes)
        {
            return false;
        }

        secret = new WebhookSecret(buffer[..written].ToArray(), text);
        return true;
    }

    internal IncrementalHash RentHmac() =>
        _hmacs.TryDequeue(out var hmac) ? hmac : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);

    /// <summary>Keeps a state that <see cref="IncrementalHash.GetHashAndReset(Span{byte})"/> left ready for the next message.</summary>
    internal void ReturnHmac(IncrementalHash hmac) => _hmacs.Enqueue(hmac);

    /// <summary>Returns the <c>whsec_</c> text of the secret.</summary>
    /// <returns>The secret text.</returns>
    public override string ToString() => _text;
}
