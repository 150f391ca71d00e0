using System.ComponentModel.DataAnnotations;

namespace ApiKit.Webhooks;

/// <summary>How incoming webhooks are verified. Named options let one application receive from several senders.</summary>
public sealed class WebhookReceiverOptions
{
    /// <summary>Gets the accepted <c>whsec_</c> secrets; several during a rotation.</summary>
    /// <value>Empty: every request is refused until one is configured.</value>
    public IList<string> Secrets { get; } = [];

    /// <summary>Gets or sets how far <c>webhook-timestamp</c> may lie from now, in either direction.</summary>
    /// <value><see cref="WebhookReceiverDefaults.Tolerance"/>: 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Tolerance { get; set; } = WebhookReceiverDefaults.Tolerance;

    /// <summary>Gets or sets the largest body accepted, in bytes; larger requests get 413.</summary>
    /// <value><see cref="WebhookReceiverDefaults.MaxBodyBytes"/>: 1 MiB.</value>
    [Range(1, int.MaxValue)]
    public int MaxBodyBytes { get; set; } = WebhookReceiverDefaults.MaxBodyBytes;

    /// <summary>Gets or sets which header names carry id, timestamp and signature.</summary>
    /// <value><see cref="WebhookHeaderStyle.Standard"/>.</value>
    public WebhookHeaderStyle HeaderStyle { get; set; } = WebhookHeaderStyle.Standard;

    /// <summary>Gets or sets whether a <c>webhook-id</c> seen within the tolerance window is refused (409), through <c>IDistributedCache</c>.</summary>
    /// <value><see langword="true"/>.</value>
    public bool ReplayProtection { get; set; } = true;

    /// <summary>Gets or sets the prefix of replay cache keys.</summary>
    /// <value><see cref="WebhookReceiverDefaults.ReplayKeyPrefix"/>.</value>
    [Required]
    public string ReplayKeyPrefix { get; set; } = WebhookReceiverDefaults.ReplayKeyPrefix;
}
