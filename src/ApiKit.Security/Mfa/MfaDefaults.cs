namespace ApiKit.Security.Mfa;

/// <summary>Default values of <see cref="MfaLockoutOptions"/> and <see cref="BackupCodeOptions"/>.</summary>
public static class MfaDefaults
{
    /// <summary>Consecutive failed second-factor attempts before a lockout.</summary>
    public const int MaxFailedAttempts = 5;

    /// <summary>Number of backup codes generated at once.</summary>
    public const int BackupCodeCount = 10;

    /// <summary>Characters per backup code (about 59 bits from the 31-character alphabet).</summary>
    public const int BackupCodeLength = 12;

    /// <summary>Gets the length of a lockout: five minutes.</summary>
    public static TimeSpan LockoutDuration => TimeSpan.FromMinutes(5);
}
