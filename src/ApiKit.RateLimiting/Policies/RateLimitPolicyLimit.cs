namespace ApiKit.RateLimiting;

/// <summary>A limit inside a policy: a <see cref="RateLimitRule"/> plus what partitions requests into keys.</summary>
public sealed class RateLimitPolicyLimit : RateLimitRule
{
    /// <summary>
    /// Gets or sets the partition: one of <see cref="RateLimitPartitions"/> or the name of a custom partition added with
    /// <see cref="ApiKitRateLimitingOptions.AddPartition"/>; several joined with <c>+</c> compose (for example
    /// <c>User+Endpoint</c>). A request for which any part has no value (an anonymous user for <c>User</c>, no API key
    /// for <c>ApiKey</c>) is not subject to this limit.
    /// </summary>
    /// <value>Defaults to <see cref="RateLimitPartitions.ClientIp"/>.</value>
    public string PartitionBy { get; set; } = RateLimitPartitions.ClientIp;
}
