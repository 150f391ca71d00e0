using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.TestHost;

namespace ApiKit.Versioning.Tests.Transforms;

public sealed class VersionChangeTests : IAsyncLifetime
{
    private static readonly ApiVersion V1 = ApiVersion.Parse("2024-01-01");
    private static readonly ApiVersion V2 = ApiVersion.Parse("2024-06-01");
    private static readonly ApiVersion V3 = ApiVersion.Parse("2025-01-01");

    private static string? LastUpgraded { get; set; }

    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            app =>
            {
                app.UseApiVersionChanges();
                var messages = app.MapGroup("/api/messages").HasApiVersion(V1).HasApiVersion(V2).HasApiVersion(V3)
                    .WithVersionChanges(new AddReactions(), new RenameNameToFullName());
                messages.MapGet("/", () => Results.Json(new { id = 1, fullName = "Ada Lovelace", reactions = new[] { "👍" } }));
                messages.MapPost("/", (JsonObject body) => Results.Json(body));
                messages.MapGet("/missing", () => Results.NotFound());
                messages.MapGet("/text", () => "plain");
            },
            o => o.DefaultVersion = V3);
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("2024-01-01", """{"id":1,"name":"Ada Lovelace"}""")]
    [InlineData("2024-03-15", null)]
    [InlineData("2024-06-01", """{"id":1,"fullName":"Ada Lovelace"}""")]
    [InlineData("2025-01-01", """{"id":1,"fullName":"Ada Lovelace","reactions":["👍"]}""")]
    public async Task Response_ThreeVersions_DowngradedThroughChain(string version, string? expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/messages");
        request.Headers.Add("API-Version", version);
        using var response = await _client.SendAsync(request);
        if (expected is null)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(await response.Content.ReadAsStringAsync())));
        Assert.Equal(Encoding.UTF8.GetByteCount(await response.Content.ReadAsStringAsync()), response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Request_OldestVersion_UpgradedThroughChainThenDowngraded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages?version=2024-01-01")
        {
            Content = JsonContent.Create(new { name = "Grace" }),
        };
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // The handler saw fullName and reactions (it echoes them); the v1 client sees its own shape again.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"name":"Grace"}"""), body));
        Assert.Equal("""{"fullName":"Grace","reactions":[]}""", LastUpgraded);
    }

    [Fact]
    public async Task Response_AppJsonOptions_UsedForTheTransformedBody()
    {
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.UseApiVersionChanges();
                a.MapGroup("/api/messages").HasApiVersion(V1).HasApiVersion(V3).WithVersionChanges(new RenameNameToFullName())
                    .MapGet("/", () => Results.Json(new { id = 1, fullName = "Zoë <Ada>" }));
            },
            o => o.DefaultVersion = V3,
            b => b.Services.ConfigureHttpJsonOptions(o =>
            {
                o.SerializerOptions.WriteIndented = true;
                o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            }));

        var body = await app.GetTestClient().GetStringAsync("/api/messages?version=2024-01-01");

        Assert.Contains("\n", body, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"Zoë <Ada>\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_MalformedJson_Returns400Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages?version=2024-01-01")
        {
            Content = new StringContent("{\"name\": ", Encoding.UTF8, "application/json"),
        };
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestApp.ProblemAsync(response);
        Assert.Equal("InvalidJsonBody", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Response_NonJson_PassesThrough()
    {
        using var response = await _client.GetAsync("/api/messages/text?version=2024-01-01");
        Assert.Equal("plain", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Response_EmptyNotFound_PassesThroughWithHeaders()
    {
        using var response = await _client.GetAsync("/api/messages/missing?version=2024-01-01");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("2024-01-01, 2024-06-01, 2025-01-01", TestApp.Header(response, "api-supported-versions"));
    }

    private sealed class RenameNameToFullName : IVersionChange
    {
        public ApiVersion Version => V2;

        public JsonNode? UpgradeRequest(JsonNode? body, HttpContext context)
        {
            if (body is JsonObject obj && obj.Remove("name", out var name))
            {
                obj["fullName"] = name;
            }

            return body;
        }

        public JsonNode? DowngradeResponse(JsonNode? body, HttpContext context)
        {
            if (body is JsonObject obj && obj.Remove("fullName", out var fullName))
            {
                obj["name"] = fullName;
            }

            return body;
        }
    }

    private sealed class AddReactions : IVersionChange
    {
        public ApiVersion Version => V3;

        public JsonNode? UpgradeRequest(JsonNode? body, HttpContext context)
        {
            if (body is JsonObject obj)
            {
                obj["reactions"] = new JsonArray();
                LastUpgraded = obj.ToJsonString();
            }

            return body;
        }

        public JsonNode? DowngradeResponse(JsonNode? body, HttpContext context)
        {
            (body as JsonObject)?.Remove("reactions");
            return body;
        }
    }
}
