namespace ApiKit.RateLimiting;

/// <summary>Users, API keys and client networks that an allow-list never limits, or a deny-list always refuses.</summary>
public sealed class RateLimitAccessList
{
    /// <summary>Gets the user identifiers (values of <see cref="ApiKitRateLimitingOptions.UserClaimType"/>).</summary>
    /// <value>Empty by default.</value>
    public IList<string> Users { get; } = [];

    /// <summary>Gets the API keys (compared in constant time through their SHA-256 digests).</summary>
    /// <value>Empty by default.</value>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>Gets the client addresses or CIDR networks.</summary>
    /// <value>Empty by default.</value>
    public IList<string> ClientNetworks { get; } = [];
}
