namespace ApiKit.Security.Mfa;

/// <summary>The outcome of checking a TOTP code.</summary>
public enum TotpVerificationResult
{
    /// <summary>The code was right and had not been used.</summary>
    Success,

    /// <summary>The code was wrong, outside the accepted window, or not a code at all.</summary>
    Invalid,

    /// <summary>The code was right but its time step was already used: a replay.</summary>
    Replayed,

    /// <summary>The user has no (confirmed, for verification; pending, for confirmation) enrolment.</summary>
    NotEnrolled,

    /// <summary>The attempt guard refused the attempt; the code was not checked.</summary>
    LockedOut,
}
