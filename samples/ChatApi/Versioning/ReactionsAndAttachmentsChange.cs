using System.Text.Json.Nodes;
using ApiKit.Versioning;

namespace ChatApi.Versioning;

/// <summary>
/// The change that made v2 of the messages API: messages gained <c>reactions</c> and <c>attachments</c>. v1 requests
/// and responses pass through it, so one set of (v2) handlers serves both versions.
/// </summary>
internal sealed class ReactionsAndAttachmentsChange : IVersionChange
{
    public ApiVersion Version => ChatApiVersions.V2;

    /// <summary>
    /// v1 had no attachments: a v1 client that sends the field anyway must not get a v2 behaviour (it could not see
    /// the attachments it created), so the field is dropped rather than honoured.
    /// </summary>
    public JsonNode? UpgradeRequest(JsonNode? body, HttpContext context)
    {
        if (body is JsonObject message)
        {
            message.Remove("attachments");
        }

        return body;
    }

    /// <summary>Strips the v2 fields from a message, and from each message of a page (<c>{ "items": [...] }</c>).</summary>
    public JsonNode? DowngradeResponse(JsonNode? body, HttpContext context)
    {
        if (body is not JsonObject root)
        {
            return body;
        }

        if (root["items"] is JsonArray items)
        {
            foreach (var item in items)
            {
                Strip(item);
            }
        }
        else
        {
            Strip(root);
        }

        return body;
    }

    private static void Strip(JsonNode? node)
    {
        if (node is JsonObject message)
        {
            message.Remove("reactions");
            message.Remove("attachments");
        }
    }
}
