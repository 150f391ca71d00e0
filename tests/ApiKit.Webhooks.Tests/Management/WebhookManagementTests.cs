using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Webhooks.Tests.Management;

public sealed class WebhookManagementTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private InMemoryWebhookStoreForTesting Store => _app.Services.GetRequiredService<InMemoryWebhookStoreForTesting>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Services.AddWebhooks().UseInMemoryStoreForTesting();
        _app = builder.Build();
        _app.MapWebhookManagement("/api/v1/webhooks");
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Create_WithoutSecret_GeneratesOneAndReturns201()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.com/hook", events = new[] { "message.*" }, description = "d" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        Assert.StartsWith("ep_", id, StringComparison.Ordinal);
        Assert.True(WebhookSecret.TryParse(body.GetProperty("secret").GetString(), out _));
        Assert.EndsWith("/api/v1/webhooks/" + id, response.Headers.Location!.ToString(), StringComparison.Ordinal);
        var stored = await Store.GetAsync(id, CancellationToken.None);
        Assert.Equal(["message.*"], stored!.Events);
    }

    [Fact]
    public async Task Create_GivenSecret_KeepsIt()
    {
        var secret = WebhookSecret.Generate(24).ToString();
        var id = await CreateAsync(secret);

        Assert.Equal(secret, (await Store.GetAsync(id, CancellationToken.None))!.Secrets[0].Secret);
    }

    [Theory]
    [InlineData("{", "body")]
    [InlineData("[1]", "body")]
    [InlineData("", "body")]
    [InlineData("{\"events\":[\"a\"]}", "url")]
    [InlineData("{\"url\":\"not a url\",\"events\":[\"a\"]}", "url")]
    [InlineData("{\"url\":\"ftp://x.com/a\",\"events\":[\"a\"]}", "url")]
    [InlineData("{\"url\":\"http://example.com/a\",\"events\":[\"a\"]}", "url")]
    [InlineData("{\"url\":\"https://u:p@example.com/a\",\"events\":[\"a\"]}", "url")]
    [InlineData("{\"url\":42,\"events\":[\"a\"]}", "url")]
    [InlineData("{\"url\":\"https://example.com\"}", "events")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[]}", "events")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a..b\"]}", "events")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a b\"]}", "events")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":\"a\"}", "events")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a\"],\"secret\":\"nope\"}", "secret")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a\"],\"secret\":\"whsec_AAAA\"}", "secret")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a\"],\"rateLimitPerSecond\":0}", "rateLimitPerSecond")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a\"],\"rateLimitPerSecond\":\"5\"}", "rateLimitPerSecond")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a\"],\"enabled\":\"yes\"}", "enabled")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a\"],\"headers\":{\"webhook-id\":\"x\"}}", "headers.webhook-id")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a\"],\"headers\":{\"Host\":\"x\"}}", "headers.Host")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a\"],\"headers\":{\"X-A\":\"a\\r\\nb\"}}", "headers.X-A")]
    [InlineData("{\"url\":\"https://example.com\",\"events\":[\"a\"],\"headers\":[1]}", "headers")]
    public async Task Create_InvalidBody_Returns400WithFieldError(string json, string field)
    {
        using var response = await _client.PostAsync("/api/v1/webhooks", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ListGetUpdateDelete_RoundTrip()
    {
        var id = await CreateAsync();

        var list = await _client.GetFromJsonAsync<JsonElement>("/api/v1/webhooks");
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, list[0].GetProperty("secret").ValueKind);

        using var update = await _client.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "https://example.org/new", events = new[] { "user.created" }, enabled = false, headers = new Dictionary<string, string> { ["X-Tenant"] = "9" } });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var got = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}");
        Assert.Equal("https://example.org/new", got.GetProperty("url").GetString());
        Assert.False(got.GetProperty("enabled").GetBoolean());
        Assert.Equal("9", got.GetProperty("headers").GetProperty("X-Tenant").GetString());

        using var delete = await _client.DeleteAsync($"/api/v1/webhooks/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var missing = await _client.GetAsync($"/api/v1/webhooks/{id}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Update_WithSecret_Returns400()
    {
        var id = await CreateAsync();

        using var response = await _client.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "https://example.org", events = new[] { "a" }, secret = WebhookSecret.Generate().ToString() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Rotate_KeepsOldSecretSigningForOverlap()
    {
        var id = await CreateAsync();
        var old = (await Store.GetAsync(id, CancellationToken.None))!.Secrets[0].Secret;

        using var response = await _client.PostAsJsonAsync($"/api/v1/webhooks/{id}/secret/rotate", new { overlapSeconds = 3600 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fresh = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString();
        var endpoint = (await Store.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(fresh, endpoint.Secrets[0].Secret);
        Assert.Null(endpoint.Secrets[0].ExpiresAt);
        Assert.Equal(old, endpoint.Secrets[1].Secret);
        Assert.NotNull(endpoint.Secrets[1].ExpiresAt);
        Assert.Equal(fresh, (await _client.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}/secret")).GetProperty("secret").GetString());
    }

    [Theory]
    [InlineData("{\"secret\":\"bad\"}")]
    [InlineData("{\"overlapSeconds\":-1}")]
    [InlineData("{\"overlapSeconds\":\"1\"}")]
    [InlineData("nope")]
    public async Task Rotate_InvalidBody_Returns400(string json)
    {
        var id = await CreateAsync();

        using var response = await _client.PostAsync($"/api/v1/webhooks/{id}/secret/rotate", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Test_QueuesDeliveryToThatEndpointOnly()
    {
        var id = await CreateAsync();
        await CreateAsync();

        using var response = await _client.PostAsJsonAsync($"/api/v1/webhooks/{id}/test", new { eventType = "message.sent" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var messageId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString();
        var row = Assert.Single(Store.Snapshot());
        Assert.Equal((messageId, id), (row.MessageId, row.EndpointId));
    }

    [Fact]
    public async Task AttemptsRedeliverRecover_WorkThroughApi()
    {
        var id = await CreateAsync();
        using (await _client.PostAsync($"/api/v1/webhooks/{id}/test", null))
        {
        }

        var now = TimeProvider.System.GetUtcNow();
        var claimed = Assert.Single(await Store.ClaimAsync("w", 10, now, TimeSpan.FromMinutes(1), CancellationToken.None));
        await Store.RecordAsync([new WebhookDeliveryResult(claimed, WebhookDeliveryState.Failed, null, new WebhookAttempt(claimed.Message.Id, id, 1, now, WebhookAttemptOutcome.HttpError, 500, TimeSpan.FromMilliseconds(3), "oops"))], now, CancellationToken.None);

        var attempts = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}/attempts?messageId={claimed.Message.Id}");
        Assert.Equal("HttpError", attempts[0].GetProperty("outcome").GetString());
        Assert.Equal(500, attempts[0].GetProperty("statusCode").GetInt32());

        using var redeliver = await _client.PostAsync($"/api/v1/webhooks/{id}/messages/{claimed.Message.Id}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        using var unknown = await _client.PostAsync($"/api/v1/webhooks/{id}/messages/msg_nope/redeliver", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var recover = await _client.PostAsJsonAsync($"/api/v1/webhooks/{id}/recover", new { since = now.AddHours(-1) });
        Assert.Equal(HttpStatusCode.Accepted, recover.StatusCode);
        Assert.Equal(1, (await recover.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recovered").GetInt32());
        Assert.Equal(2, Store.Snapshot().Count(r => r.State == WebhookDeliveryState.Pending));
    }

    [Theory]
    [InlineData("recover", "{}")]
    [InlineData("recover", "{\"since\":\"yesterday\"}")]
    [InlineData("test", "{\"eventType\":\"a.*\"}")]
    public async Task Actions_InvalidBody_Return400(string action, string json)
    {
        var id = await CreateAsync();

        using var response = await _client.PostAsync($"/api/v1/webhooks/{id}/{action}", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("x")]
    [InlineData("5000")]
    public async Task Attempts_BadLimit_Returns400(string limit)
    {
        var id = await CreateAsync();

        using var response = await _client.GetAsync($"/api/v1/webhooks/{id}/attempts?limit={limit}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/api/v1/webhooks/ep_none/test")]
    [InlineData("POST", "/api/v1/webhooks/ep_none/secret/rotate")]
    [InlineData("GET", "/api/v1/webhooks/ep_none/attempts")]
    [InlineData("DELETE", "/api/v1/webhooks/ep_none")]
    public async Task UnknownEndpoint_Returns404Problem(string method, string path)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<string> CreateAsync(string? secret = null)
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.com/hook", events = new[] { "*" }, secret });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
