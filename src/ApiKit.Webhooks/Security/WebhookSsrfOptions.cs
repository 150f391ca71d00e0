namespace ApiKit.Webhooks;

/// <summary>Which addresses deliveries may connect to.</summary>
public sealed class WebhookSsrfOptions
{
    /// <summary>Gets or sets whether loopback, private, link-local, CGNAT, multicast, ULA, metadata and unspecified addresses are refused.</summary>
    /// <value><see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets the networks (CIDR, e.g. <c>10.1.0.0/16</c> or <c>127.0.0.1/32</c>) allowed despite the guard,
    /// for tests and intranets. Checked against the resolved address.
    /// </summary>
    /// <value>Empty.</value>
    public IList<string> AllowedNetworks { get; } = [];
}
