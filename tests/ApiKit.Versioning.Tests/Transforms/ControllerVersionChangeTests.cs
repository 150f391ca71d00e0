using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Versioning.Tests.Transforms;

[ApiController]
[Route("api/profiles")]
[ApiVersion("1.0")]
[ApiVersion("2.0")]
public sealed class ProfilesController : ControllerBase
{
    [HttpGet]
    public object Get() => new { fullName = "Ada" };
}

public sealed class ControllerVersionChangeTests
{
    [Theory]
    [InlineData("/api/v1/profiles", """{"name":"Ada"}""")]
    [InlineData("/api/v2/profiles", """{"fullName":"Ada"}""")]
    public async Task Controllers_WithVersionChanges_DowngradeOlderVersions(string path, string expected)
    {
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.UseApiVersionChanges();
                a.MapControllers().WithVersionChanges(new RenameFullName());
            },
            build: b => b.Services.AddControllers().AddApplicationPart(typeof(ControllerVersionChangeTests).Assembly));
        using var response = await app.GetTestClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(await response.Content.ReadAsStringAsync())));
    }

    [Fact]
    public async Task UnversionedLiteral_BesideVersionedParameter_ServesAnyVersion()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/api/users/{id}", (string id) => "versioned " + id).HasApiVersion(1.0);
            a.MapGet("/api/users/me", () => "unversioned me");
        });
        var client = app.GetTestClient();
        Assert.Equal("unversioned me", await client.GetStringAsync("/api/users/me?version=9"));
        using var unsupported = await client.GetAsync("/api/users/7?version=9");
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);
    }

    private sealed class RenameFullName : IVersionChange
    {
        public ApiVersion Version => new(2, 0);

        public JsonNode? UpgradeRequest(JsonNode? body, HttpContext context) => body;

        public JsonNode? DowngradeResponse(JsonNode? body, HttpContext context)
        {
            if (body is JsonObject obj && obj.Remove("fullName", out var value))
            {
                obj["name"] = value;
            }

            return body;
        }
    }
}
