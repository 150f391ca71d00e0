using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Versioning.Tests.OpenApi;

public sealed class OpenApiTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            app =>
            {
                app.MapOpenApi();
                var users = app.MapGroup("/api/users").HasApiVersion(1.0).HasApiVersion(2.0);
                users.MapGet("/", () => "v1").MapToApiVersion(1.0);
                users.MapGet("/", () => "v2").MapToApiVersion(2.0);
                users.MapGet("/{id:int}", (int id) => id).MapToApiVersion(2.0);
                app.MapGet("/api/legacy", () => "legacy").HasApiVersion(1.0).HasDeprecatedApiVersion(new ApiVersion(3, 0));
                app.MapGet("/status", () => "ok").IsApiVersionNeutral();
            },
            o => o.Policy(new ApiVersion(1, 0)).Deprecation = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            b => b.Services.AddApiVersionOpenApi(new ApiVersion(1, 0), new ApiVersion(2, 0), new ApiVersion(3, 0)));
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Document_V1_HasOnlyV1OperationsMarkedDeprecated()
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;
        Assert.Equal("1.0", root.GetProperty("info").GetProperty("version").GetString());
        var paths = root.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["/api/v1/legacy", "/api/v1/users", "/status"], paths);
        Assert.True(root.GetProperty("paths").GetProperty("/api/v1/users").GetProperty("get").GetProperty("deprecated").GetBoolean());
        Assert.False(root.GetProperty("paths").GetProperty("/status").GetProperty("get").TryGetProperty("deprecated", out _));
    }

    [Fact]
    public async Task Document_V2_HasV2OperationsNotDeprecated()
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v2.json"));
        var root = document.RootElement;
        Assert.Equal("2.0", root.GetProperty("info").GetProperty("version").GetString());
        var paths = root.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["/api/v2/users", "/api/v2/users/{id}", "/status"], paths);
        Assert.False(root.GetProperty("paths").GetProperty("/api/v2/users").GetProperty("get").TryGetProperty("deprecated", out _));
    }

    [Fact]
    public async Task Document_DeprecatedByMetadata_IsMarked()
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v3.json"));
        var legacy = document.RootElement.GetProperty("paths").GetProperty("/api/v3/legacy").GetProperty("get");
        Assert.True(legacy.GetProperty("deprecated").GetBoolean());
    }

    [Theory]
    [InlineData(1, 0, "v1")]
    [InlineData(1, 1, "v1.1")]
    public void DocumentName_Number_IsShort(int major, int minor, string expected) =>
        Assert.Equal(expected, ApiVersionOpenApiOptionsExtensions.DocumentName(new ApiVersion(major, minor)));

    [Fact]
    public void DocumentName_Date_IsDate() =>
        Assert.Equal("v2024-01-15", ApiVersionOpenApiOptionsExtensions.DocumentName(ApiVersion.Parse("2024-01-15")));
}
