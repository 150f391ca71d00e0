namespace ApiKit.Security.Tokens;

/// <summary>
/// Opaque refresh tokens (256 bits from a CSPRNG) that are stored hashed, rotated on every use, and whose reuse
/// revokes the whole family (OAuth 2.0 Security BCP, RFC 9700 section 4.14.2).
/// </summary>
public interface IRefreshTokenService
{
    /// <summary>Issues the first token of a new family (at sign-in).</summary>
    /// <param name="subject">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new token.</returns>
    ValueTask<RefreshTokenResult> IssueAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>Exchanges <paramref name="refreshToken"/> for its successor. A second use of any token revokes its family.</summary>
    /// <param name="refreshToken">The token the client presented.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The successor or why there is none.</returns>
    ValueTask<RefreshTokenResult> RotateAsync(string refreshToken, CancellationToken cancellationToken = default);

    /// <summary>Revokes the family of <paramref name="refreshToken"/> (logout).</summary>
    /// <param name="refreshToken">The token the client presented.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the token was known.</returns>
    ValueTask<bool> RevokeAsync(string refreshToken, CancellationToken cancellationToken = default);

    /// <summary>Revokes every family of <paramref name="subject"/> (logout everywhere).</summary>
    /// <param name="subject">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of tokens revoked.</returns>
    ValueTask<int> RevokeAllAsync(string subject, CancellationToken cancellationToken = default);
}
