namespace ApiKit.Security.Mfa;

/// <summary>
/// Brute-force protection hook for second-factor attempts: consulted before a code is checked and told the
/// outcome afterwards. Implement it over a rate limiter or a lockout store; <see cref="InMemoryMfaAttemptGuard"/>
/// is the single-process default.
/// </summary>
public interface IMfaAttemptGuard
{
    /// <summary>Returns whether the user may not try a code now; codes are then not even checked.</summary>
    ValueTask<bool> IsLockedOutAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Records a wrong, malformed or replayed code.</summary>
    ValueTask RecordFailureAsync(string userId, MfaMethod method, CancellationToken cancellationToken);

    /// <summary>Records an accepted code.</summary>
    ValueTask RecordSuccessAsync(string userId, MfaMethod method, CancellationToken cancellationToken);
}
