namespace ApiKit.Security.Tokens;

/// <summary>
/// Persists refresh-token records by hash. Implementations must make <see cref="TryConsumeAsync"/> atomic, so two
/// concurrent uses of one token cannot both succeed, and must refuse new tokens in a revoked family.
/// </summary>
public interface IRefreshTokenStore
{
    /// <summary>Stores a new record; returns <see langword="false"/> when its family is revoked.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the record was stored.</returns>
    ValueTask<bool> AddAsync(RefreshTokenRecord record, CancellationToken cancellationToken = default);

    /// <summary>Finds a record by token hash.</summary>
    /// <param name="tokenHash">The base64url SHA-256 of the token.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    ValueTask<RefreshTokenRecord?> FindAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Marks a record consumed if it is neither consumed nor revoked, atomically.</summary>
    /// <param name="tokenHash">The token hash.</param>
    /// <param name="consumedAt">The time of use.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether this call consumed the token.</returns>
    ValueTask<bool> TryConsumeAsync(string tokenHash, DateTimeOffset consumedAt, CancellationToken cancellationToken = default);

    /// <summary>Revokes every token of a family, present and future.</summary>
    /// <param name="familyId">The family id.</param>
    /// <param name="revokedAt">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of records revoked.</returns>
    ValueTask<int> RevokeFamilyAsync(string familyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);

    /// <summary>Revokes every family of a subject (for example after a password change).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="revokedAt">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of records revoked.</returns>
    ValueTask<int> RevokeSubjectAsync(string subject, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);
}
