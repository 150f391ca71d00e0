using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApiKit.Webhooks;
using ChatApi.Tests.Auth;
using Microsoft.Data.Sqlite;

namespace ChatApi.Tests.Webhooks;

/// <summary>
/// Subscriptions registered over HTTP receive every event the ChatApi publishes, signed, on a real Kestrel receiver;
/// and an event exists if and only if the change that caused it committed.
/// </summary>
public sealed class WebhookEventTests(WebhookChatApiFactory factory) : IClassFixture<WebhookChatApiFactory>
{
    [Fact]
    public async Task Events_EveryChangeThroughTheApi_ReachesTheReceiverSignedWithTheV1Representation()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await factory.RegisterAsync("Admin");
        var adminClient = factory.As(admin.Id);
        var created = await adminClient.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url = receiver.Url + "/chat",
            events = new[] { "user.*", "room.created", "member.joined", "message.*" },
        }).ExpectAsync(HttpStatusCode.Created);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        // user.created (registration) and user.updated (an Admin renames the user).
        using var anonymous = factory.CreateClient();
        var alice = await anonymous.RegisterAsync(ChatClient.UniqueName("alice"));
        await adminClient.PatchJsonAsync($"/api/v1/users/{alice.Id}", new { displayName = "Alice" }).ExpectAsync(HttpStatusCode.OK);

        // room.created and member.joined (the creator, then bob), then message.sent, .edited and .deleted.
        var room = await factory.CreateRoomAsync(alice.Id, ChatClient.UniqueName("events"));
        var bob = await factory.RegisterAsync();
        await factory.JoinAsync(room, bob.Id);
        var message = await factory.SendAsync(room, alice.Id, "hello");
        await factory.As(alice.Id).PatchJsonAsync($"/api/v1/rooms/{room}/messages/{message}", new { content = "hello, world" }).ExpectAsync(HttpStatusCode.OK);
        await adminClient.DeleteAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.NoContent);

        var userCreated = await receiver.WaitForAsync(r => r.Type == "user.created" && Id(r) == alice.Id);
        Assert.Equal(alice.Username, userCreated.Data.GetProperty("username").GetString());
        Assert.Equal(
            ["createdAt", "displayName", "email", "id", "updatedAt", "username"],
            userCreated.Data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var userUpdated = await receiver.WaitForAsync(r => r.Type == "user.updated" && Id(r) == alice.Id);
        Assert.Equal("Alice", userUpdated.Data.GetProperty("displayName").GetString());
        var roomCreated = await receiver.WaitForAsync(r => r.Type == "room.created" && Id(r) == room);
        Assert.Equal(alice.Id, roomCreated.Data.GetProperty("createdBy").GetGuid());
        await receiver.WaitForAsync(r => r.Type == "member.joined" && r.Data.GetProperty("roomId").GetGuid() == room && r.Data.GetProperty("userId").GetGuid() == alice.Id);
        var bobJoined = await receiver.WaitForAsync(r => r.Type == "member.joined" && r.Data.GetProperty("roomId").GetGuid() == room && r.Data.GetProperty("userId").GetGuid() == bob.Id);
        Assert.Equal(bob.Username, bobJoined.Data.GetProperty("username").GetString());
        var sent = await receiver.WaitForAsync(r => r.Type == "message.sent" && Id(r) == message);
        Assert.Equal("hello", sent.Data.GetProperty("content").GetString());
        Assert.False(sent.Data.TryGetProperty("reactions", out _));
        Assert.False(sent.Data.TryGetProperty("attachments", out _));
        var edited = await receiver.WaitForAsync(r => r.Type == "message.edited" && Id(r) == message);
        Assert.Equal("hello, world", edited.Data.GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.String, edited.Data.GetProperty("editedAt").ValueKind);
        var deleted = await receiver.WaitForAsync(r => r.Type == "message.deleted" && Id(r) == message);
        Assert.True(deleted.Data.GetProperty("isDeleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, deleted.Data.GetProperty("content").ValueKind);

        foreach (var delivery in receiver.Received)
        {
            Assert.Equal("/chat", delivery.Path);
            Assert.StartsWith("msg_", delivery.Id, StringComparison.Ordinal);
            Assert.Equal(WebhookVerificationStatus.Valid, delivery.Verify(secret, factory.Time));
            Assert.Equal(WebhookVerificationStatus.InvalidSignature, delivery.Verify(WebhookSecret.Generate().ToString(), factory.Time));
            Assert.Equal(["data", "timestamp", "type"], delivery.Envelope.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            var body = Encoding.UTF8.GetString(delivery.Body);
            Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("$argon2", body, StringComparison.Ordinal);
        }

        // Only what the subscription asked for: nothing but the seven types, each change once per subscription.
        Assert.All(receiver.Received, r => Assert.Contains(r.Type, new[] { "user.created", "user.updated", "room.created", "member.joined", "message.sent", "message.edited", "message.deleted" }));
        Assert.Single(receiver.Received, r => r.Type == "message.deleted" && Id(r) == message);
    }

    [Fact]
    public async Task Subscription_ExactTypes_EnqueuesAndDeliversOnlyThoseTypes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = factory.CreateAdminClient();
        var endpoint = (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url + "/only-sent", events = new[] { "message.sent" } })
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var alice = await factory.RegisterAsync();
        var room = await factory.CreateRoomAsync(alice.Id);
        var first = await factory.SendAsync(room, alice.Id, "one");
        await factory.As(alice.Id).PatchJsonAsync($"/api/v1/rooms/{room}/messages/{first}", new { content = "one!" }).ExpectAsync(HttpStatusCode.OK);
        var second = await factory.SendAsync(room, alice.Id, "two");

        await receiver.WaitForAsync(r => Id(r) == second);
        await receiver.WaitForAsync(r => Id(r) == first);
        Assert.Equal(2L, await ScalarAsync($"SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = '{endpoint}';"));
        Assert.Equal(0L, await ScalarAsync($"SELECT COUNT(*) FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id WHERE d.endpoint_id = '{endpoint}' AND m.event_type <> 'message.sent';"));
        Assert.All(receiver.Received, r => Assert.Equal("message.sent", r.Type));
    }

    [Fact]
    public async Task RoomCreation_FailingAfterItsEventWasEnqueued_RollsBackTheEventWithTheRoom()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = factory.CreateAdminClient();
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url + "/rooms", events = new[] { "room.*", "member.*" } }).ExpectAsync(HttpStatusCode.Created);
        var alice = await factory.RegisterAsync();
        var doomed = ChatClient.UniqueName("doomed");

        // The room row and its room.created event are written; then the creator's membership fails on a constraint,
        // inside the same transaction, so both must disappear.
        await ExecuteAsync($"""
            CREATE TRIGGER IF NOT EXISTS fail_doomed_membership BEFORE INSERT ON room_members
            WHEN (SELECT name FROM rooms WHERE id = NEW.room_id) LIKE 'doomed%'
            BEGIN SELECT RAISE(ABORT, 'membership refused by the test'); END;
            """);
        try
        {
            using var failed = await factory.As(alice.Id).PostAsJsonAsync("/api/v1/rooms", new { name = doomed });
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER fail_doomed_membership;");
        }

        // A constraint violation of the business write itself (a duplicate name) enqueues nothing either.
        var taken = ChatClient.UniqueName("taken");
        var kept = await factory.CreateRoomAsync(alice.Id, taken);
        await factory.As(alice.Id).PostAsJsonAsync("/api/v1/rooms", new { name = taken.ToUpperInvariant() }).ExpectProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(0L, await ScalarAsync($"SELECT COUNT(*) FROM rooms WHERE name = '{doomed}';"));
        Assert.Equal(0L, await ScalarAsync($"SELECT COUNT(*) FROM webhook_messages WHERE CAST(payload AS TEXT) LIKE '%{doomed}%';"));
        Assert.Equal(1L, await ScalarAsync($"SELECT COUNT(*) FROM webhook_messages WHERE event_type = 'room.created' AND CAST(payload AS TEXT) LIKE '%{taken}%';"));

        // The committed room's events arrive; the rolled-back one never does, and no second room.created for the duplicate.
        await receiver.WaitForAsync(r => r.Type == "room.created" && Id(r) == kept);
        await receiver.WaitForAsync(r => r.Type == "member.joined" && r.Data.GetProperty("roomId").GetGuid() == kept);
        var later = await factory.CreateRoomAsync(alice.Id);
        await receiver.WaitForAsync(r => r.Type == "member.joined" && r.Data.GetProperty("roomId").GetGuid() == later);
        Assert.DoesNotContain(receiver.Received, r => Encoding.UTF8.GetString(r.Body).Contains(doomed, StringComparison.Ordinal));
        Assert.Single(receiver.Received, r => r.Type == "room.created" && Id(r) == kept);
    }

    [Fact]
    public async Task MessageDelete_Repeated_PublishesOneEvent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = factory.CreateAdminClient();
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url + "/deletes", events = new[] { "message.deleted", "room.created" } }).ExpectAsync(HttpStatusCode.Created);
        var alice = await factory.RegisterAsync();
        var room = await factory.CreateRoomAsync(alice.Id);
        var message = await factory.SendAsync(room, alice.Id, "gone soon");
        await admin.DeleteAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.NoContent);
        await admin.DeleteAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.NoContent);
        var marker = await factory.CreateRoomAsync(alice.Id);

        await receiver.WaitForAsync(r => r.Type == "room.created" && Id(r) == marker);
        await receiver.WaitForAsync(r => r.Type == "message.deleted" && Id(r) == message);
        Assert.Equal(1L, await ScalarAsync($"SELECT COUNT(*) FROM webhook_messages WHERE event_type = 'message.deleted' AND CAST(payload AS TEXT) LIKE '%{message}%';"));
    }

    private static Guid Id(ReceivedWebhook delivery) =>
        delivery.Data.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetGuid() : Guid.Empty;

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
