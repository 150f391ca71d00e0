namespace ApiKit.Security.ApiKeys;

/// <summary>Default values of the API key options.</summary>
public static class ApiKeyDefaults
{
    /// <summary>The prefix of generated keys.</summary>
    public const string Prefix = "apk";

    /// <summary>The authentication scheme name.</summary>
    public const string AuthenticationScheme = "ApiKey";

    /// <summary>The request header carrying the key.</summary>
    public const string HeaderName = "X-API-Key";

    /// <summary>The claim type of each granted scope.</summary>
    public const string ScopeClaimType = "scope";

    /// <summary>The claim type of the key's id.</summary>
    public const string KeyIdClaimType = "apikit:api_key_id";

    /// <summary>Gets the lifetime of keys created without one: 90 days.</summary>
    public static TimeSpan Lifetime => TimeSpan.FromDays(90);
}
