using System.Net;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests;

public sealed class HealthAndOpenApiTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Live_Returns200Healthy()
    {
        var body = await _client.GetAsync("/health/live").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_QueriesTheDatabase()
    {
        var body = await _client.GetAsync("/health/ready").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var database = body.GetProperty("checks").GetProperty("database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        Assert.Equal("Schema version 5.", database.GetProperty("description").GetString());
        var breakers = body.GetProperty("checks").GetProperty("circuit-breakers");
        Assert.Equal("Healthy", breakers.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, breakers.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task Ready_AsAdmin_ListsTheBreakers()
    {
        var body = await factory.CreateAdminClient().GetAsync("/health/ready").ExpectAsync(HttpStatusCode.OK);

        var breakers = body.GetProperty("checks").GetProperty("circuit-breakers");
        Assert.Equal(System.Text.Json.JsonValueKind.Object, breakers.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task OpenApi_ListsEveryPathAndOperation()
    {
        var document = await _client.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");
        var expected = new Dictionary<string, string[]>
        {
            ["/api/v1/users"] = ["get", "post"],
            ["/api/v1/users/{id}"] = ["get", "put", "patch", "delete"],
            ["/api/v1/users/{id}/rooms"] = ["get"],
            ["/api/v1/rooms"] = ["get", "post"],
            ["/api/v1/rooms/{id}"] = ["get", "patch", "delete"],
            ["/api/v1/rooms/{id}/members"] = ["get", "post"],
            ["/api/v1/rooms/{id}/members/{userId}"] = ["get", "delete"],
            ["/api/v1/rooms/{id}/messages"] = ["get", "post"],
            ["/api/v1/rooms/{id}/messages/{messageId}"] = ["get", "patch", "delete"],
            ["/api/v1/users/{id}/role"] = ["put"],
            ["/api/v1/auth/register"] = ["post"],
            ["/api/v1/auth/login"] = ["post"],
            ["/api/v1/auth/refresh"] = ["post"],
            ["/api/v1/auth/logout"] = ["post"],
            ["/api/v1/auth/mfa/totp"] = ["post"],
            ["/api/v1/auth/mfa/totp/confirm"] = ["post"],
            ["/api/v1/auth/mfa/backup-codes"] = ["post"],
            ["/api/v1/auth/api-keys"] = ["get", "post"],
            ["/api/v1/auth/api-keys/{keyId}"] = ["delete"],
            ["/api/v1/webhooks"] = ["get", "post"],
            ["/api/v1/webhooks/{id}"] = ["get", "put", "delete"],
            ["/api/v1/webhooks/{id}/secret"] = ["get"],
            ["/api/v1/webhooks/{id}/secret/rotate"] = ["post"],
            ["/api/v1/webhooks/{id}/test"] = ["post"],
            ["/api/v1/webhooks/{id}/attempts"] = ["get"],
            ["/api/v1/webhooks/{id}/messages/{messageId}/redeliver"] = ["post"],
            ["/api/v1/webhooks/{id}/recover"] = ["post"],
        };
        foreach (var (path, methods) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"OpenAPI misses {path}");
            foreach (var method in methods)
            {
                Assert.True(item.TryGetProperty(method, out _), $"OpenAPI misses {method} {path}");
            }
        }

        var create = paths.GetProperty("/api/v1/users").GetProperty("post").GetProperty("responses");
        foreach (var status in new[] { "201", "400", "409" })
        {
            Assert.True(create.TryGetProperty(status, out _), $"POST /api/v1/users documents no {status}");
        }
    }

    [Fact]
    public async Task OpenApi_DescribesPaginationParametersOfEveryList()
    {
        var document = await _client.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");

        foreach (var path in new[] { "/api/v1/users", "/api/v1/users/{id}/rooms", "/api/v1/rooms", "/api/v1/rooms/{id}/members", "/api/v1/rooms/{id}/messages" })
        {
            var parameters = paths.GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray().ToList();
            var first = Assert.Single(parameters, p => p.GetProperty("name").GetString() == "first");
            Assert.Equal("integer", first.GetProperty("schema").GetProperty("type").GetString());
            Assert.Equal(100, first.GetProperty("schema").GetProperty("maximum").GetInt32());
            Assert.Equal(20, first.GetProperty("schema").GetProperty("default").GetInt32());
            var after = Assert.Single(parameters, p => p.GetProperty("name").GetString() == "after");
            Assert.Contains("endCursor", after.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
    }
}
