using System.ComponentModel.DataAnnotations;

namespace ApiKit.Resilience.Redis;

/// <summary>Options of <see cref="RedisCircuitBreakerSharedState"/>.</summary>
public sealed class RedisCircuitBreakerSharedStateOptions
{
    /// <summary>Gets or sets the prefix of the key that holds a breaker's shared state (the breaker's name follows it).</summary>
    /// <value>The default is <c>apikit:cb:</c>.</value>
    [Required]
    public string KeyPrefix { get; set; } = "apikit:cb:";

    /// <summary>Gets or sets the pub/sub channel transitions are announced on.</summary>
    /// <value>The default is <c>apikit:cb:transitions</c>.</value>
    [Required]
    public string Channel { get; set; } = "apikit:cb:transitions";

    /// <summary>
    /// Gets or sets how often every attached breaker re-reads its key, which repairs announcements lost to pub/sub
    /// (it delivers at most once, and nothing while a subscriber is reconnecting); <see cref="TimeSpan.Zero"/> disables it.
    /// </summary>
    /// <value>The default is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets this instance's identifier, so it ignores its own announcements.</summary>
    /// <value>The default is a new random identifier.</value>
    [Required]
    public string InstanceId { get; set; } = Guid.NewGuid().ToString("N");
}
