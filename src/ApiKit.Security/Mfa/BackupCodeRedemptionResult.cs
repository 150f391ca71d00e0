namespace ApiKit.Security.Mfa;

/// <summary>The outcome of redeeming a backup code.</summary>
public enum BackupCodeRedemptionResult
{
    /// <summary>The code was valid and is now used up.</summary>
    Success,

    /// <summary>The code is wrong, malformed or already used.</summary>
    Invalid,

    /// <summary>The attempt guard refused the attempt; the code was not checked.</summary>
    LockedOut,
}
