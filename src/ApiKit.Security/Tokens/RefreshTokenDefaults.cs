namespace ApiKit.Security.Tokens;

/// <summary>The defaults of <see cref="RefreshTokenOptions"/>.</summary>
public static class RefreshTokenDefaults
{
    /// <summary>The default lifetime of one refresh token: 14 days.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    /// <summary>The default lifetime of a family (one sign-in, however often rotated): 90 days.</summary>
    public static readonly TimeSpan FamilyLifetime = TimeSpan.FromDays(90);
}
