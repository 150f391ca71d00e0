using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Versioning.Tests.Routing;

[ApiController]
[Route("api/items")]
[ApiVersion("1.0")]
public sealed class ItemsV1Controller : ControllerBase
{
    [HttpGet]
    public string Get() => "items v1 (controller)";
}

[ApiController]
[Route("api/items")]
[ApiVersion(2.0)]
[ApiVersion("3.0")]
public sealed class ItemsV2Controller : ControllerBase
{
    [HttpGet]
    public string Get() => "items v2+ (controller) " + HttpContext.GetRequestedApiVersion();

    [HttpGet("{id:int}")]
    [MapToApiVersion("3.0")]
    public string GetOne(int id) => "item " + id + " v3 (controller)";
}

public sealed class SharedTemplateTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            app =>
            {
                app.MapControllers();
                var users = app.MapGroup("/api/users").HasApiVersion(1.0).HasApiVersion(2.0);
                users.MapGet("/", () => "users v1").MapToApiVersion(1.0);
                users.MapGet("/", () => "users v2").MapToApiVersion(2.0);
                users.MapGet("/{id:int}", (int id) => "user " + id);

                // A minimal endpoint and a controller sharing one template, told apart only by version.
                app.MapGet("/api/items", () => "items v4 (minimal)").HasApiVersion(4.0);
            },
            build: b => b.Services.AddControllers().AddApplicationPart(typeof(SharedTemplateTests).Assembly));
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/users", "users v1")]
    [InlineData("/api/v2/users", "users v2")]
    [InlineData("/api/users", "users v1")]
    [InlineData("/api/v2/users/7", "user 7")]
    public async Task MinimalApis_SameTemplate_RoutedByVersion(string path, string expected) =>
        Assert.Equal(expected, await _client.GetStringAsync(path));

    [Theory]
    [InlineData("/api/v1/items", "items v1 (controller)")]
    [InlineData("/api/v2/items", "items v2+ (controller) 2.0")]
    [InlineData("/api/v3/items", "items v2+ (controller) 3.0")]
    [InlineData("/api/v4/items", "items v4 (minimal)")]
    [InlineData("/api/items", "items v1 (controller)")]
    [InlineData("/api/v3/items/5", "item 5 v3 (controller)")]
    public async Task ControllersAndMinimalApis_SameTemplate_RoutedByVersion(string path, string expected) =>
        Assert.Equal(expected, await _client.GetStringAsync(path));

    [Fact]
    public async Task Controllers_SupportedVersions_UnionOfTemplate()
    {
        using var response = await _client.GetAsync("/api/v2/items");
        Assert.Equal("1.0, 2.0, 3.0, 4.0", TestApp.Header(response, "api-supported-versions"));
    }

    [Fact]
    public async Task MapToApiVersion_OtherDeclaredVersion_Returns400Unsupported()
    {
        using var response = await _client.GetAsync("/api/v2/items/5");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestApp.ProblemAsync(response);
        Assert.Equal("ApiVersionUnsupported", problem.GetProperty("code").GetString());
        Assert.Equal("3.0", TestApp.Header(response, "api-supported-versions"));
    }

    [Fact]
    public async Task Controller_UnknownVersion_Returns400WithHeaders()
    {
        using var response = await _client.GetAsync("/api/v9/items");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("1.0, 2.0, 3.0, 4.0", TestApp.Header(response, "api-supported-versions"));
    }
}
