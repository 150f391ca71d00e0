using ApiKit.Security.Authorization;

namespace ChatApi.Auth;

/// <summary>
/// The ChatApi's rows beyond the design documents' matrix. Webhooks are Admin only: a subscription receives every
/// event of the whole service (messages of every room, every user's profile), so whoever manages one sees more than
/// any other role may read; per-owner subscriptions would need events filtered by what their owner may see.
/// </summary>
internal static class ChatPermissions
{
    public const string WebhookResource = "webhook";

    public const string WebhookCreate = "webhook:create";

    public const string WebhookRead = "webhook:read";

    public const string WebhookUpdate = "webhook:update";

    public const string WebhookDelete = "webhook:delete";

    /// <summary>Fills <paramref name="options"/> with the design documents' matrix plus the webhook row.</summary>
    public static void AddMatrix(PermissionAuthorizationOptions options)
    {
        foreach (var (resource, roles) in PermissionMatrixDefaults.Grid)
        {
            options.Matrix[resource] = new Dictionary<string, string>(roles, StringComparer.OrdinalIgnoreCase);
        }

        options.Matrix[WebhookResource] = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [ChatRoles.Admin] = "CRUD",
            [ChatRoles.Moderator] = "-",
            [ChatRoles.User] = "-",
            [ChatRoles.Guest] = "-",
        };
    }
}
