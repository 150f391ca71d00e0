namespace ApiKit.Security.ApiKeys;

/// <summary>Why an API key was accepted or refused.</summary>
public enum ApiKeyValidationStatus
{
    /// <summary>The key exists, matches, and is neither revoked nor expired.</summary>
    Valid,

    /// <summary>The text does not have the shape of a key with the configured prefix.</summary>
    Malformed,

    /// <summary>The checksum does not match: a typo or a truncated key, refused without a lookup.</summary>
    ChecksumMismatch,

    /// <summary>No key with this id and secret exists.</summary>
    Unknown,

    /// <summary>The key was revoked.</summary>
    Revoked,

    /// <summary>The key has expired.</summary>
    Expired,
}
