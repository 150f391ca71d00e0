using ApiKit.Security.Passwords;

namespace ChatApi.Auth;

/// <summary>
/// A real Argon2id hash of a random password, verified when the username is unknown or has no password, so that a
/// login for a missing user costs the same hash as one for an existing user and timing does not reveal usernames.
/// </summary>
internal sealed class UnknownUserPasswordHash(Argon2idPasswordHasher hasher)
{
    private Task<string>? _hash;

    // A race computes it twice at worst; both values are equally good.
    public Task<string> GetAsync(CancellationToken cancellationToken) =>
        _hash ??= hasher.HashAsync(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)), cancellationToken).AsTask();
}
