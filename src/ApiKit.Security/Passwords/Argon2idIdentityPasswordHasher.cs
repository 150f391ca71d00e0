using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Passwords;

/// <summary>
/// ASP.NET Core Identity's password hasher replaced by Argon2id. Hashes Identity already stored (PBKDF2,
/// formats V2 and V3) still verify, through the framework's own <see cref="PasswordHasher{TUser}"/>, and
/// report <see cref="PasswordVerificationResult.SuccessRehashNeeded"/> so that Identity stores an Argon2id
/// hash at the next successful login.
/// </summary>
internal sealed class Argon2idIdentityPasswordHasher<TUser>(Argon2idPasswordHasher argon2, IOptions<PasswordHasherOptions>? identityOptions = null)
    : IPasswordHasher<TUser>
    where TUser : class
{
    private readonly PasswordHasher<TUser> _legacy = new(identityOptions);

    public string HashPassword(TUser user, string password) => argon2.Hash(password);

    public PasswordVerificationResult VerifyHashedPassword(TUser user, string hashedPassword, string providedPassword)
    {
        ArgumentNullException.ThrowIfNull(providedPassword);
        if (string.IsNullOrEmpty(hashedPassword))
        {
            return PasswordVerificationResult.Failed;
        }

        if (hashedPassword.StartsWith('$'))
        {
            return argon2.Verify(providedPassword, hashedPassword);
        }

        if (providedPassword.Length > argon2.MaxPasswordLength)
        {
            return PasswordVerificationResult.Failed;
        }

        PasswordVerificationResult legacy;
        try
        {
            legacy = _legacy.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
        catch (FormatException)
        {
            // Not Base64: neither an Identity hash nor ours.
            return PasswordVerificationResult.Failed;
        }

        return legacy == PasswordVerificationResult.Failed ? PasswordVerificationResult.Failed : PasswordVerificationResult.SuccessRehashNeeded;
    }
}
