namespace ApiKit.Security.Mfa;

/// <summary>The second factor an attempt used.</summary>
public enum MfaMethod
{
    /// <summary>A time-based one-time password from an authenticator app.</summary>
    Totp,

    /// <summary>A single-use backup code.</summary>
    BackupCode,
}
