using System.Buffers;
using System.Text.Json;

namespace ApiKit.Webhooks;

/// <summary>Builds the <c>{ "type", "timestamp", "data" }</c> payload and message ids.</summary>
internal static class WebhookEnvelope
{
    public static byte[] Serialize(string type, DateTimeOffset timestamp, JsonElement data)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("timestamp", timestamp.UtcDateTime);
            writer.WritePropertyName("data");
            data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Time-ordered, so ids sort by creation, with 74 random bits: unguessable enough for a replay key.
    public static string NewMessageId(DateTimeOffset now) => "msg_" + Guid.CreateVersion7(now).ToString("N");
}
