using System.ComponentModel.DataAnnotations;

namespace ApiKit.Security.Tokens;

/// <summary>Lifetimes of refresh tokens.</summary>
public sealed class RefreshTokenOptions
{
    /// <summary>Gets or sets how long one refresh token stays usable.</summary>
    /// <value><see cref="RefreshTokenDefaults.Lifetime"/> (14 days).</value>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Lifetime { get; set; } = RefreshTokenDefaults.Lifetime;

    /// <summary>Gets or sets how long a family lives from sign-in; rotation never extends it.</summary>
    /// <value><see cref="RefreshTokenDefaults.FamilyLifetime"/> (90 days).</value>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan FamilyLifetime { get; set; } = RefreshTokenDefaults.FamilyLifetime;
}
