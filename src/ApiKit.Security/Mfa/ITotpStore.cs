namespace ApiKit.Security.Mfa;

/// <summary>Persists each user's TOTP enrolment and the last time step accepted for it.</summary>
public interface ITotpStore
{
    /// <summary>Returns the user's record, or <see langword="null"/> when the user has none.</summary>
    ValueTask<TotpRecord?> FindAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the user's record.</summary>
    ValueTask SaveAsync(string userId, TotpRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically sets the user's last used step to <paramref name="timeStep"/> if it is greater than the stored one.
    /// Returns <see langword="false"/> when it is not (the code was already used) or the user has no record.
    /// This is what makes two concurrent requests with the same code succeed at most once.
    /// </summary>
    ValueTask<bool> TryAdvanceLastUsedStepAsync(string userId, long timeStep, CancellationToken cancellationToken);

    /// <summary>Removes the user's record.</summary>
    ValueTask DeleteAsync(string userId, CancellationToken cancellationToken);
}
