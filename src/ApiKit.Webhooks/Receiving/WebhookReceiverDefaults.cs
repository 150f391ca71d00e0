namespace ApiKit.Webhooks;

/// <summary>Default values of <see cref="WebhookReceiverOptions"/>.</summary>
public static class WebhookReceiverDefaults
{
    /// <summary>How far a timestamp may lie from now, either direction: 5 minutes (Standard Webhooks).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>The largest body accepted: 1 MiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The prefix of replay-protection cache keys.</summary>
    public const string ReplayKeyPrefix = "apikit:webhooks:seen:";
}
