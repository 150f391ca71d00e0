using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace ApiKit.Webhooks.Redis;

/// <summary>Where and how the Redis Streams store keeps its data.</summary>
public sealed class RedisWebhookStoreOptions
{
    /// <summary>Gets or sets the StackExchange.Redis configuration string; used when <see cref="Connection"/> is null.</summary>
    /// <value><see langword="null"/>.</value>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets an existing connection to share.</summary>
    /// <value><see langword="null"/>.</value>
    public IConnectionMultiplexer? Connection { get; set; }

    /// <summary>
    /// Gets or sets the key prefix. It is wrapped in a hash tag (<c>{prefix}</c>) so every key lands in one
    /// cluster slot, which the atomic scripts need.
    /// </summary>
    /// <value><c>apikit:webhooks</c>.</value>
    [Required]
    public string KeyPrefix { get; set; } = "apikit:webhooks";

    /// <summary>Gets or sets the consumer group the dispatchers share.</summary>
    /// <value><c>dispatchers</c>.</value>
    [Required]
    public string GroupName { get; set; } = "dispatchers";

    /// <summary>Gets or sets how many attempts are kept per endpoint.</summary>
    /// <value>1000.</value>
    [Range(1, 1_000_000)]
    public int AttemptLogLength { get; set; } = 1000;
}
