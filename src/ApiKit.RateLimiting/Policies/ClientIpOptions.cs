namespace ApiKit.RateLimiting;

/// <summary>How the client IP address is found.</summary>
public sealed class ClientIpOptions
{
    /// <summary>
    /// Gets the proxies (addresses or CIDR networks, such as <c>10.0.0.0/8</c>) whose forwarded header is believed.
    /// The header is read right to left, skipping trusted hops; the first untrusted address is the client.
    /// </summary>
    /// <value>Empty by default: forwarded headers are ignored and the connection's address is the client.</value>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>Gets or sets the forwarded header.</summary>
    /// <value>Defaults to <see cref="ApiKitRateLimitingDefaults.ForwardedForHeader"/> (<c>X-Forwarded-For</c>).</value>
    public string ForwardedForHeader { get; set; } = ApiKitRateLimitingDefaults.ForwardedForHeader;

    /// <summary>Gets or sets how many forwarded hops are examined at most.</summary>
    /// <value>Defaults to <see cref="ApiKitRateLimitingDefaults.MaxForwardedHops"/> (8).</value>
    [System.ComponentModel.DataAnnotations.Range(1, 64)]
    public int MaxForwardedHops { get; set; } = ApiKitRateLimitingDefaults.MaxForwardedHops;
}
