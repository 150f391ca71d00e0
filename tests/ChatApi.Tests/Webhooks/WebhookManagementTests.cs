using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApiKit.Webhooks;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Webhooks;

/// <summary>The management API under <c>/api/v1/webhooks</c>: lifecycle, who may use it, and what it refuses.</summary>
public sealed class WebhookManagementTests(WebhookChatApiFactory factory) : IClassFixture<WebhookChatApiFactory>
{
    public static TheoryData<string, string> BadCreateBodies => new()
    {
        { """{"url":"not a url","events":["message.sent"]}""", "url" },
        { """{"url":"ftp://hooks.example.com/x","events":["message.sent"]}""", "url" },
        { """{"url":5,"events":["message.sent"]}""", "url" },
        { """{"events":["message.sent"]}""", "url" },
        { """{"url":"https://10.1.2.3/hook","events":["message.sent"]}""", "url" },
        { """{"url":"https://192.168.1.10/hook","events":["message.sent"]}""", "url" },
        { """{"url":"https://169.254.169.254/latest/meta-data","events":["message.sent"]}""", "url" },
        { """{"url":"https://100.64.0.1/hook","events":["message.sent"]}""", "url" },
        { """{"url":"http://127.0.0.2:8080/hook","events":["message.sent"]}""", "url" },
        { """{"url":"https://[::1]/hook","events":["message.sent"]}""", "url" },
        { """{"url":"https://[fd00:ec2::254]/hook","events":["message.sent"]}""", "url" },
        { """{"url":"https://[::ffff:10.0.0.1]/hook","events":["message.sent"]}""", "url" },
        { """{"url":"https://hooks.example.com/x","events":["message.exploded"]}""", "events" },
        { """{"url":"https://hooks.example.com/x","events":["message.sent","billing.*"]}""", "events" },
        { """{"url":"https://hooks.example.com/x","events":[]}""", "events" },
        { """{"url":"https://hooks.example.com/x","events":[42]}""", "events" },
        { """{"url":"https://hooks.example.com/x","events":"message.sent"}""", "events" },
        { """{"url":"https://hooks.example.com/x"}""", "events" },
        { """{"url":"https://hooks.example.com/x","events":["message.sent"],"secret":"webhook_secret"}""", "secret" },
        { """{"url":"https://hooks.example.com/x","events":["message.sent"],"headers":{"Host":"evil"}}""", "headers.Host" },
        { """{"url":"https://hooks.example.com/x","events":["message.sent"],"enabled":"yes"}""", "enabled" },
        { """{"url":"https://hooks.example.com/x","events":["message.sent"],"rateLimitPerSecond":0}""", "rateLimitPerSecond" },
        { """{"url":""", "body" },
        { "[1,2]", "body" },
        { string.Empty, "body" },
    };

    [Fact]
    public async Task Create_WithoutSecret_ReturnsAGeneratedSecretOnce()
    {
        var admin = factory.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/chat", events = new[] { "message.*" }, enabled = false });
        var created = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("/api/v1/webhooks/" + id, response.Headers.Location?.OriginalString);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.True(WebhookSecret.TryParse(secret, out var parsed));
        Assert.Equal(32, parsed.Key.Length);
        Assert.Equal(["message.*"], created.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        using var v2 = await admin.PostAsJsonAsync("/api/v2/webhooks", new { url = "https://hooks.example.com/chat", events = new[] { "*" }, enabled = false });
        Assert.StartsWith("/api/v2/webhooks/ep_", v2.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var read = await admin.GetAsync($"/api/v1/webhooks/{id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, read.GetProperty("secret").ValueKind);
        var listed = await admin.GetAsync("/api/v1/webhooks").ExpectAsync(HttpStatusCode.OK);
        Assert.All(listed.EnumerateArray(), e => Assert.Equal(JsonValueKind.Null, e.GetProperty("secret").ValueKind));
        Assert.Contains(listed.EnumerateArray(), e => e.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Create_DesignDocumentsBodyWithAStandardSecret_KeepsThatSecret()
    {
        var admin = factory.CreateAdminClient();
        var secret = WebhookSecret.Generate().ToString();

        var created = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://myapp.example.com/webhooks/user", events = new[] { "user.created", "user.updated" }, secret })
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(secret, created.GetProperty("secret").GetString());
        var id = created.GetProperty("id").GetString();
        Assert.Equal(secret, (await admin.GetAsync($"/api/v1/webhooks/{id}/secret").ExpectAsync(HttpStatusCode.OK)).GetProperty("secret").GetString());
        await admin.DeleteAsync($"/api/v1/webhooks/{id}").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task ManagementApi_UpdateRotateTestRedeliverGoneRecoverDelete_WorksEndToEnd()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = factory.CreateAdminClient();
        var created = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url + "/v1", events = new[] { "room.created" } }).ExpectAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var oldSecret = created.GetProperty("secret").GetString()!;

        // Update: new URL and events; the secret cannot be changed here.
        var updated = await admin.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = receiver.Url + "/v2", events = new[] { "message.*" }, description = "moved" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("moved", updated.GetProperty("description").GetString());
        await admin.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = receiver.Url + "/v2", events = new[] { "message.*" }, secret = WebhookSecret.Generate().ToString() })
            .ExpectValidationProblemAsync("secret");

        // Rotate: the old secret keeps signing next to the new one during the overlap.
        var newSecret = (await admin.PostAsync($"/api/v1/webhooks/{id}/secret/rotate", null).ExpectAsync(HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);

        // Test event: goes to this endpoint whatever it subscribes to, signed with both secrets.
        var messageId = (await admin.PostAsJsonAsync($"/api/v1/webhooks/{id}/test", new { eventType = "message.sent" }).ExpectAsync(HttpStatusCode.Accepted))
            .GetProperty("messageId").GetString()!;
        var test = await receiver.WaitForAsync(r => r.Id == messageId);
        Assert.Equal("/v2", test.Path);
        Assert.Equal("message.sent", test.Type);
        Assert.Equal(2, test.Signature!.Split(' ').Length);
        Assert.Equal(WebhookVerificationStatus.Valid, test.Verify(newSecret, factory.Time));
        Assert.Equal(WebhookVerificationStatus.Valid, test.Verify(oldSecret, factory.Time));

        // Attempts: the successful delivery is logged with its status.
        var attempts = await Eventually.ReturnsAsync(
            () => admin.GetAsync($"/api/v1/webhooks/{id}/attempts?messageId={messageId}").ExpectAsync(HttpStatusCode.OK),
            a => a.GetArrayLength() == 1);
        Assert.Equal(200, attempts[0].GetProperty("statusCode").GetInt32());

        // Redeliver: the same message (same webhook-id, so a receiver can tell the duplicate) goes out again.
        await admin.PostAsync($"/api/v1/webhooks/{id}/messages/{messageId}/redeliver", null).ExpectAsync(HttpStatusCode.Accepted);
        await receiver.WaitForCountAsync(2);
        Assert.Equal(2, receiver.Received.Count(r => r.Id == messageId));

        // 410 Gone disables the endpoint and keeps the message as a dead letter; re-enabled, recover sends it again.
        receiver.StatusCode = HttpStatusCode.Gone;
        var goneId = (await admin.PostAsync($"/api/v1/webhooks/{id}/test", null).ExpectAsync(HttpStatusCode.Accepted)).GetProperty("messageId").GetString()!;
        var disabled = await Eventually.ReturnsAsync(
            () => admin.GetAsync($"/api/v1/webhooks/{id}").ExpectAsync(HttpStatusCode.OK),
            e => !e.GetProperty("enabled").GetBoolean());
        Assert.Equal("gone", disabled.GetProperty("disabledReason").GetString());
        receiver.StatusCode = HttpStatusCode.OK;
        await admin.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = receiver.Url + "/v2", events = new[] { "message.*" }, enabled = true }).ExpectAsync(HttpStatusCode.OK);
        var recovered = await admin.PostAsJsonAsync($"/api/v1/webhooks/{id}/recover", new { since = factory.Time.GetUtcNow().AddHours(-1) }).ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal(1, recovered.GetProperty("recovered").GetInt32());
        await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Received.Count(r => r.Id == goneId)), n => n == 2);

        await admin.DeleteAsync($"/api/v1/webhooks/{id}").ExpectAsync(HttpStatusCode.NoContent);
        await admin.GetAsync($"/api/v1/webhooks/{id}").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("Moderator")]
    [InlineData("User")]
    [InlineData("Guest")]
    public async Task ManagementApi_RoleWithoutWebhookPermissions_Returns403OnEveryOperation(string role)
    {
        var admin = factory.CreateAdminClient();
        var id = (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/authz", events = new[] { "*" }, enabled = false })
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        var client = factory.CreateClientWithRole(role);
        var body = new { url = "https://hooks.example.com/mine", events = new[] { "message.*" } };

        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.PostAsJsonAsync("/api/v1/webhooks", body),
            () => client.GetAsync("/api/v1/webhooks"),
            () => client.GetAsync($"/api/v1/webhooks/{id}"),
            () => client.GetAsync($"/api/v1/webhooks/{id}/secret"),
            () => client.PutAsJsonAsync($"/api/v1/webhooks/{id}", body),
            () => client.DeleteAsync($"/api/v1/webhooks/{id}"),
            () => client.PostAsync($"/api/v1/webhooks/{id}/secret/rotate", null),
            () => client.PostAsync($"/api/v1/webhooks/{id}/test", null),
            () => client.GetAsync($"/api/v1/webhooks/{id}/attempts"),
            () => client.PostAsync($"/api/v1/webhooks/{id}/messages/msg_x/redeliver", null),
            () => client.PostAsJsonAsync($"/api/v1/webhooks/{id}/recover", new { since = "2026-01-01T00:00:00Z" }),
        })
        {
            await request().ExpectProblemAsync(HttpStatusCode.Forbidden);
        }

        // Still there, unchanged, with its secret unread.
        var endpoint = await admin.GetAsync($"/api/v1/webhooks/{id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://hooks.example.com/authz", endpoint.GetProperty("url").GetString());
    }

    [Fact]
    public async Task ManagementApi_Anonymous_Returns401()
    {
        using var anonymous = factory.CreateClient();

        await anonymous.GetAsync("/api/v1/webhooks").ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await anonymous.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/x", events = new[] { "*" } }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(BadCreateBodies))]
    public async Task Create_BadInput_Returns400NamingTheField(string body, string field)
    {
        var admin = factory.CreateAdminClient();
        var before = (await admin.GetAsync("/api/v1/webhooks").ExpectAsync(HttpStatusCode.OK)).GetArrayLength();

        await admin.PostRawAsync("/api/v1/webhooks", body).ExpectValidationProblemAsync(field);

        Assert.Equal(before, (await admin.GetAsync("/api/v1/webhooks").ExpectAsync(HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task Update_UnknownEventOrInternalAddress_Returns400AndKeepsTheEndpoint()
    {
        var admin = factory.CreateAdminClient();
        var id = (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/keep", events = new[] { "room.created" }, enabled = false })
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetString();

        await admin.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "https://hooks.example.com/keep", events = new[] { "room.deleted" } }).ExpectValidationProblemAsync("events");
        await admin.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "https://172.16.0.1/keep", events = new[] { "room.created" } }).ExpectValidationProblemAsync("url");
        await admin.PutAsync($"/api/v1/webhooks/{id}", new StringContent("{\"url\":", Encoding.UTF8, "application/json")).ExpectValidationProblemAsync("body");

        var endpoint = await admin.GetAsync($"/api/v1/webhooks/{id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://hooks.example.com/keep", endpoint.GetProperty("url").GetString());
        Assert.Equal(["room.created"], endpoint.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ManagementApi_UnknownIdsAndBadParameters_Return404And400Problems()
    {
        var admin = factory.CreateAdminClient();
        const string Missing = "ep_doesnotexist";
        var id = (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/params", events = new[] { "*" }, enabled = false })
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetString();

        await admin.GetAsync($"/api/v1/webhooks/{Missing}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.PutAsJsonAsync($"/api/v1/webhooks/{Missing}", new { url = "https://hooks.example.com/x", events = new[] { "*" } }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.DeleteAsync($"/api/v1/webhooks/{Missing}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.PostAsync($"/api/v1/webhooks/{Missing}/secret/rotate", null).ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.PostAsync($"/api/v1/webhooks/{Missing}/test", null).ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.GetAsync($"/api/v1/webhooks/{Missing}/attempts").ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.PostAsync($"/api/v1/webhooks/{id}/messages/msg_doesnotexist/redeliver", null).ExpectProblemAsync(HttpStatusCode.NotFound);
        await admin.GetAsync($"/api/v1/webhooks/{id}/attempts?limit=lots").ExpectValidationProblemAsync("limit");
        await admin.PostRawAsync($"/api/v1/webhooks/{id}/recover", "{}").ExpectValidationProblemAsync("since");
        await admin.PostRawAsync($"/api/v1/webhooks/{id}/secret/rotate", """{"secret":"webhook_secret"}""").ExpectValidationProblemAsync("secret");
        await admin.PostRawAsync($"/api/v1/webhooks/{id}/test", """{"eventType":"message.*"}""").ExpectValidationProblemAsync("eventType");
    }

    [Fact]
    public async Task Create_BodyOverTheLimit_Returns413Problem()
    {
        var admin = factory.CreateAdminClient();
        var body = JsonSerializer.Serialize(new { url = "https://hooks.example.com/big", events = new[] { "*" }, description = new string('x', 70_000) });

        using var response = await admin.PostAsync("/api/v1/webhooks", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
