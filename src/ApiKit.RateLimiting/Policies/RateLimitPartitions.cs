namespace ApiKit.RateLimiting;

/// <summary>The built-in partitions a <see cref="RateLimitPolicyLimit.PartitionBy"/> can name.</summary>
public static class RateLimitPartitions
{
    /// <summary>The authenticated user's <see cref="ApiKitRateLimitingOptions.UserClaimType"/> claim.</summary>
    public const string User = "User";

    /// <summary>The client IP address; forwarded headers count only from <see cref="ClientIpOptions.TrustedProxies"/>.</summary>
    public const string ClientIp = "ClientIp";

    /// <summary>The API key sent in <see cref="ApiKitRateLimitingOptions.ApiKeyHeader"/> (kept only as a SHA-256 digest).</summary>
    public const string ApiKey = "ApiKey";

    /// <summary>The HTTP method and route pattern of the endpoint.</summary>
    public const string Endpoint = "Endpoint";

    /// <summary>One partition shared by every request.</summary>
    public const string Global = "Global";
}
