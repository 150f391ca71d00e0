using System.Net;
using System.Net.Http.Json;

namespace ChatApi.Tests.Auth;

/// <summary>
/// Every cell of the permission matrix that the ChatApi exposes, through HTTP: four roles times create, read, update and
/// delete of users, rooms, messages, settings and the ChatApi's webhooks (Admin only), plus joining a room. The acting user
/// never owns the room or the message involved, so only the role decides.
/// </summary>
public sealed class PermissionMatrixTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    public static TheoryData<string, string, HttpStatusCode> Cells => new()
    {
        { "Admin", "user:create", HttpStatusCode.Created },
        { "Moderator", "user:create", HttpStatusCode.Forbidden },
        { "User", "user:create", HttpStatusCode.Forbidden },
        { "Guest", "user:create", HttpStatusCode.Forbidden },
        { "Admin", "user:read", HttpStatusCode.OK },
        { "Moderator", "user:read", HttpStatusCode.OK },
        { "User", "user:read", HttpStatusCode.OK },
        { "Guest", "user:read", HttpStatusCode.Forbidden },
        { "Admin", "user:update", HttpStatusCode.OK },
        { "Moderator", "user:update", HttpStatusCode.Forbidden },
        { "User", "user:update", HttpStatusCode.Forbidden },
        { "Guest", "user:update", HttpStatusCode.Forbidden },
        { "Admin", "user:delete", HttpStatusCode.NoContent },
        { "Moderator", "user:delete", HttpStatusCode.Forbidden },
        { "User", "user:delete", HttpStatusCode.Forbidden },
        { "Guest", "user:delete", HttpStatusCode.Forbidden },
        { "Admin", "room:create", HttpStatusCode.Created },
        { "Moderator", "room:create", HttpStatusCode.Created },
        { "User", "room:create", HttpStatusCode.Created },
        { "Guest", "room:create", HttpStatusCode.Forbidden },
        { "Admin", "room:read", HttpStatusCode.OK },
        { "Moderator", "room:read", HttpStatusCode.OK },
        { "User", "room:read", HttpStatusCode.OK },
        { "Guest", "room:read", HttpStatusCode.OK },
        { "Admin", "room:update", HttpStatusCode.OK },
        { "Moderator", "room:update", HttpStatusCode.OK },
        { "User", "room:update", HttpStatusCode.Forbidden },
        { "Guest", "room:update", HttpStatusCode.Forbidden },
        { "Admin", "room:delete", HttpStatusCode.NoContent },
        { "Moderator", "room:delete", HttpStatusCode.Forbidden },
        { "User", "room:delete", HttpStatusCode.Forbidden },
        { "Guest", "room:delete", HttpStatusCode.Forbidden },
        { "Admin", "room:join", HttpStatusCode.Created },
        { "Moderator", "room:join", HttpStatusCode.Created },
        { "User", "room:join", HttpStatusCode.Created },
        { "Guest", "room:join", HttpStatusCode.Forbidden },
        { "Admin", "message:create", HttpStatusCode.Created },
        { "Moderator", "message:create", HttpStatusCode.Created },
        { "User", "message:create", HttpStatusCode.Created },
        { "Guest", "message:create", HttpStatusCode.Forbidden },
        { "Admin", "message:read", HttpStatusCode.OK },
        { "Moderator", "message:read", HttpStatusCode.OK },
        { "User", "message:read", HttpStatusCode.OK },
        { "Guest", "message:read", HttpStatusCode.OK },
        { "Admin", "message:update", HttpStatusCode.OK },
        { "Moderator", "message:update", HttpStatusCode.OK },
        { "User", "message:update", HttpStatusCode.OK },
        { "Guest", "message:update", HttpStatusCode.Forbidden },
        { "Admin", "message:delete", HttpStatusCode.NoContent },
        { "Moderator", "message:delete", HttpStatusCode.NoContent },
        { "User", "message:delete", HttpStatusCode.Forbidden },
        { "Guest", "message:delete", HttpStatusCode.Forbidden },
        { "Admin", "setting:create", HttpStatusCode.Created },
        { "Moderator", "setting:create", HttpStatusCode.Forbidden },
        { "User", "setting:create", HttpStatusCode.Forbidden },
        { "Guest", "setting:create", HttpStatusCode.Forbidden },
        { "Admin", "setting:read", HttpStatusCode.OK },
        { "Moderator", "setting:read", HttpStatusCode.OK },
        { "User", "setting:read", HttpStatusCode.OK },
        { "Guest", "setting:read", HttpStatusCode.Forbidden },
        { "Admin", "setting:update", HttpStatusCode.OK },
        { "Moderator", "setting:update", HttpStatusCode.Forbidden },
        { "User", "setting:update", HttpStatusCode.Forbidden },
        { "Guest", "setting:update", HttpStatusCode.Forbidden },
        { "Admin", "setting:delete", HttpStatusCode.NoContent },
        { "Moderator", "setting:delete", HttpStatusCode.Forbidden },
        { "User", "setting:delete", HttpStatusCode.Forbidden },
        { "Guest", "setting:delete", HttpStatusCode.Forbidden },
        { "Admin", "webhook:create", HttpStatusCode.Created },
        { "Moderator", "webhook:create", HttpStatusCode.Forbidden },
        { "User", "webhook:create", HttpStatusCode.Forbidden },
        { "Guest", "webhook:create", HttpStatusCode.Forbidden },
        { "Admin", "webhook:read", HttpStatusCode.OK },
        { "Moderator", "webhook:read", HttpStatusCode.Forbidden },
        { "User", "webhook:read", HttpStatusCode.Forbidden },
        { "Guest", "webhook:read", HttpStatusCode.Forbidden },
        { "Admin", "webhook:update", HttpStatusCode.OK },
        { "Moderator", "webhook:update", HttpStatusCode.Forbidden },
        { "User", "webhook:update", HttpStatusCode.Forbidden },
        { "Guest", "webhook:update", HttpStatusCode.Forbidden },
        { "Admin", "webhook:delete", HttpStatusCode.NoContent },
        { "Moderator", "webhook:delete", HttpStatusCode.Forbidden },
        { "User", "webhook:delete", HttpStatusCode.Forbidden },
        { "Guest", "webhook:delete", HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Matrix_RoleAndOperation_GivesTheExpectedStatus(string role, string operation, HttpStatusCode expected)
    {
        // Somebody else (a plain User) owns the room and wrote a message in it.
        using var anonymous = factory.CreateClient();
        var owner = await anonymous.CreateUserAsync();
        var target = await anonymous.CreateUserAsync();
        var room = await factory.CreateRoomAsync(owner);
        var message = await factory.SendAsync(room, owner, "owner's words");
        var actor = await factory.RegisterAsync(role);
        var client = factory.As(actor.Id);
        if (role != "Guest" && operation is "message:create" or "message:update")
        {
            await factory.JoinAsync(room, actor.Id);
        }

        // Editing is the author's right only, so message:update is exercised on the actor's own message; a Guest
        // (who can neither join nor post) tries someone else's.
        var ownMessage = role != "Guest" && operation == "message:update" ? await factory.SendAsync(room, actor.Id, "mine") : message;

        // An Admin creates the setting that read, update and delete act on.
        var setting = ChatClient.UniqueName("matrix.");
        if (operation is "setting:read" or "setting:update" or "setting:delete")
        {
            using var admin = factory.CreateAdminClient();
            using var created = await admin.PostAsJsonAsync("/api/v1/settings", new { key = setting, value = "on" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // An Admin registers the (disabled, so never delivered) webhook that read, update and delete act on.
        var webhook = new { url = "https://hooks.example.com/matrix", events = new[] { "message.*" }, enabled = false };
        var webhookId = string.Empty;
        if (operation is "webhook:read" or "webhook:update" or "webhook:delete")
        {
            using var admin = factory.CreateAdminClient();
            webhookId = (await admin.PostAsJsonAsync("/api/v1/webhooks", webhook).ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        }

        using var response = operation switch
        {
            "user:create" => await client.PostAsJsonAsync("/api/v1/users", new { username = ChatClient.UniqueName("new"), email = "new@example.com" }),
            "user:read" => await client.GetAsync($"/api/v1/users/{target}"),
            "user:update" => await client.PatchJsonAsync($"/api/v1/users/{target}", new { displayName = "Renamed" }),
            "user:delete" => await client.DeleteAsync($"/api/v1/users/{target}"),
            "room:create" => await client.PostAsJsonAsync("/api/v1/rooms", new { name = ChatClient.UniqueName("room") }),
            "room:read" => await client.GetAsync($"/api/v1/rooms/{room}"),
            "room:update" => await client.PatchJsonAsync($"/api/v1/rooms/{room}", new { description = "moderated" }),
            "room:delete" => await client.DeleteAsync($"/api/v1/rooms/{room}"),
            "room:join" => await client.PostAsync($"/api/v1/rooms/{room}/members", null),
            "message:create" => await client.PostAsJsonAsync($"/api/v1/rooms/{room}/messages", new { content = "hello" }),
            "message:read" => await client.GetAsync($"/api/v1/rooms/{room}/messages/{message}"),
            "message:update" => await client.PatchJsonAsync($"/api/v1/rooms/{room}/messages/{ownMessage}", new { content = "edited" }),
            "message:delete" => await client.DeleteAsync($"/api/v1/rooms/{room}/messages/{message}"),
            "setting:create" => await client.PostAsJsonAsync("/api/v1/settings", new { key = setting, value = "on" }),
            "setting:read" => await client.GetAsync($"/api/v1/settings/{setting}"),
            "setting:update" => await client.PutAsJsonAsync($"/api/v1/settings/{setting}", new { value = "off" }),
            "setting:delete" => await client.DeleteAsync($"/api/v1/settings/{setting}"),
            "webhook:create" => await client.PostAsJsonAsync("/api/v1/webhooks", webhook),
            "webhook:read" => await client.GetAsync($"/api/v1/webhooks/{webhookId}"),
            "webhook:update" => await client.PutAsJsonAsync($"/api/v1/webhooks/{webhookId}", webhook with { url = "https://hooks.example.com/moved" }),
            "webhook:delete" => await client.DeleteAsync($"/api/v1/webhooks/{webhookId}"),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{role} {operation}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
