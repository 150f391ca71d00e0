namespace ApiKit.Security.Mfa;

/// <summary>Options of <see cref="InMemoryMfaAttemptGuard"/>.</summary>
public sealed class MfaLockoutOptions
{
    /// <summary>Gets or sets how many consecutive failures lock the user out.</summary>
    /// <value>The default is <see cref="MfaDefaults.MaxFailedAttempts"/> (5). Allowed: 1 to 100.</value>
    public int MaxFailedAttempts { get; set; } = MfaDefaults.MaxFailedAttempts;

    /// <summary>Gets or sets how long a lockout lasts.</summary>
    /// <value>The default is <see cref="MfaDefaults.LockoutDuration"/> (5 minutes). Allowed: 1 second to 1 day.</value>
    public TimeSpan LockoutDuration { get; set; } = MfaDefaults.LockoutDuration;
}
