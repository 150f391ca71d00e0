namespace ApiKit.Security.ApiKeys;

/// <summary>Options of <see cref="ApiKeyManager"/>.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Gets or sets the prefix that starts every key, so that people and secret scanners recognise it.</summary>
    /// <value>The default is <see cref="ApiKeyDefaults.Prefix"/> ("apk"). Allowed: 2 to 16 lower-case ASCII letters or digits.</value>
    public string Prefix { get; set; } = ApiKeyDefaults.Prefix;

    /// <summary>Gets or sets the lifetime of keys created without one; <see langword="null"/> means keys do not expire.</summary>
    /// <value>The default is <see cref="ApiKeyDefaults.Lifetime"/> (90 days).</value>
    public TimeSpan? DefaultLifetime { get; set; } = ApiKeyDefaults.Lifetime;
}
