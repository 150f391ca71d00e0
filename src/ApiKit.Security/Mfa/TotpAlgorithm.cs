namespace ApiKit.Security.Mfa;

/// <summary>The HMAC hash function of a TOTP secret (RFC 6238 section 1.2).</summary>
public enum TotpAlgorithm
{
    /// <summary>HMAC-SHA-1, the only one every authenticator app supports.</summary>
    Sha1,

    /// <summary>HMAC-SHA-256.</summary>
    Sha256,

    /// <summary>HMAC-SHA-512.</summary>
    Sha512,
}
