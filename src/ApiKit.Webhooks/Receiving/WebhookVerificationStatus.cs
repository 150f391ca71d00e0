namespace ApiKit.Webhooks;

/// <summary>The outcome of verifying one incoming webhook.</summary>
public enum WebhookVerificationStatus
{
    /// <summary>Signature and timestamp are valid.</summary>
    Valid,

    /// <summary>The id, timestamp or signature header is missing.</summary>
    MissingHeaders,

    /// <summary>The timestamp is not a number of Unix seconds.</summary>
    MalformedTimestamp,

    /// <summary>The timestamp lies further from now than the tolerance.</summary>
    TimestampOutsideTolerance,

    /// <summary>No <c>v1,</c> candidate matched any configured secret.</summary>
    InvalidSignature,

    /// <summary>No secret is configured.</summary>
    NoSecret,
}
