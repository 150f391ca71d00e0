namespace ApiKit.Webhooks;

/// <summary>Verifies incoming Standard Webhooks requests: signature (constant time) and timestamp tolerance.</summary>
public sealed class WebhookVerifier
{
    private readonly WebhookSecret[] _secrets;
    private readonly long _toleranceSeconds;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">The receiver options; secrets are parsed once here.</param>
    /// <param name="timeProvider">The clock timestamps are compared with.</param>
    /// <exception cref="FormatException">A secret is malformed.</exception>
    public WebhookVerifier(WebhookReceiverOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _secrets = [.. options.Secrets.Select(WebhookSecret.Parse)];
        _toleranceSeconds = (long)options.Tolerance.TotalSeconds;
        _timeProvider = timeProvider;
        HeaderNames = WebhookHeaderNames.For(options.HeaderStyle);
    }

    /// <summary>Gets the header names this verifier reads.</summary>
    public WebhookHeaderNames HeaderNames { get; }

    /// <summary>Verifies one request; allocates nothing.</summary>
    /// <param name="id">The id header value.</param>
    /// <param name="timestamp">The timestamp header value.</param>
    /// <param name="signature">The signature header value.</param>
    /// <param name="body">The exact body bytes.</param>
    /// <returns>The outcome.</returns>
    public WebhookVerificationStatus Verify(ReadOnlySpan<char> id, ReadOnlySpan<char> timestamp, ReadOnlySpan<char> signature, ReadOnlySpan<byte> body)
    {
        if (_secrets.Length == 0)
        {
            return WebhookVerificationStatus.NoSecret;
        }

        if (id.IsWhiteSpace() || timestamp.IsWhiteSpace() || signature.IsWhiteSpace() || id.Length > 256)
        {
            return WebhookVerificationStatus.MissingHeaders;
        }

        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerificationStatus.MalformedTimestamp;
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (seconds < now - _toleranceSeconds || seconds > now + _toleranceSeconds)
        {
            return WebhookVerificationStatus.TimestampOutsideTolerance;
        }

        var matched = false;
        foreach (var secret in _secrets)
        {
            matched |= WebhookSigner.Verify(secret.Key, id, seconds, body, signature);
        }

        return matched ? WebhookVerificationStatus.Valid : WebhookVerificationStatus.InvalidSignature;
    }
}
