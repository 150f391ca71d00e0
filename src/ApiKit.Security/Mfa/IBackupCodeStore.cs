namespace ApiKit.Security.Mfa;

/// <summary>Persists the hashes of each user's unused backup codes; codes themselves are never stored.</summary>
public interface IBackupCodeStore
{
    /// <summary>Returns the hashes of the user's unused codes (empty when none).</summary>
    ValueTask<IReadOnlyList<string>> GetHashesAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Replaces all of the user's codes with <paramref name="hashes"/>.</summary>
    ValueTask ReplaceAsync(string userId, IReadOnlyList<string> hashes, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically removes <paramref name="hash"/> from the user's codes; returns <see langword="false"/> when it
    /// was not there (already redeemed, possibly by a concurrent request).
    /// </summary>
    ValueTask<bool> TryRemoveAsync(string userId, string hash, CancellationToken cancellationToken);
}
