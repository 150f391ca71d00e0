using System.Text.Json;
using ApiKit.Webhooks.Redis;

namespace ApiKit.Webhooks.Tests.Redis;

/// <summary>The attempt log's generated contract writes what the reflection serializer wrote, so old and new entries read alike.</summary>
public sealed class RedisWebhookJsonTests
{
    private static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web);

    public static TheoryData<WebhookAttempt> Attempts() =>
    [
        new WebhookAttempt("msg_1", "ep_1", 1, DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123), WebhookAttemptOutcome.Succeeded, 204, TimeSpan.FromMilliseconds(12.5), null),
        new WebhookAttempt("msg_\"é😀", "ep_<2>", 8, new DateTimeOffset(2027, 1, 15, 8, 0, 0, TimeSpan.FromHours(2)), WebhookAttemptOutcome.TimedOut, null, TimeSpan.FromSeconds(15), "line\n\"two\" & <three>"),
        new WebhookAttempt("msg_3", "ep_3", 2, DateTimeOffset.UnixEpoch, WebhookAttemptOutcome.Blocked, null, TimeSpan.Zero, string.Empty),
    ];

    [Theory]
    [MemberData(nameof(Attempts))]
    public void WebhookAttempt_Generated_SameBytesAsReflectionAndRoundTrips(WebhookAttempt attempt)
    {
        var generated = JsonSerializer.SerializeToUtf8Bytes(attempt, RedisWebhookJson.Default.WebhookAttempt);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(attempt, Reflection), generated);
        Assert.Equal(attempt, JsonSerializer.Deserialize(generated, RedisWebhookJson.Default.WebhookAttempt));
    }
}
