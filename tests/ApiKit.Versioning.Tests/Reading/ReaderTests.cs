using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace ApiKit.Versioning.Tests.Reading;

public sealed class ReaderTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(app =>
        {
            var users = app.MapGroup("/api/users").HasApiVersion(1.0).HasApiVersion(2.0).HasApiVersion(new ApiVersion(new DateOnly(2024, 1, 15)));
            users.MapGet("/", (HttpContext context) => "users " + context.GetRequestedApiVersion());
            users.MapPost("/", (HttpContext context) => "created " + context.GetRequestedApiVersion());
            app.MapGet("/shop/v{version}/orders", (HttpContext context) => "orders " + context.GetRequestedApiVersion()).HasApiVersion(1.0).HasApiVersion(3.0);
        });
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/api/v2/users", "users 2.0")]
    [InlineData("/api/V2.0/users", "users 2.0")]
    [InlineData("/api/v2024-01-15/users", "users 2024-01-15")]
    [InlineData("/api/users", "users 1.0")]
    [InlineData("/api/v1/users/", "users 1.0")]
    public async Task UrlSegment_PathPrefixRule_ServesOneRegistration(string path, string expected)
    {
        var body = await _client.GetStringAsync(path);
        Assert.Equal(expected, body);
    }

    [Theory]
    [InlineData("/shop/v3/orders", "orders 3.0")]
    [InlineData("/shop/v1.0/orders", "orders 1.0")]
    public async Task UrlSegment_RouteParameter_ReadsVersion(string path, string expected) =>
        Assert.Equal(expected, await _client.GetStringAsync(path));

    [Fact]
    public async Task Header_Version_ReadsVersion()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.Add("API-Version", "2.0");
        using var response = await _client.SendAsync(request);
        Assert.Equal("users 2.0", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/users?version=2", "users 2.0")]
    [InlineData("/api/users?other=1&VERSION=2024-01-15", "users 2024-01-15")]
    [InlineData("/api/users?version=2&version=2.0", "users 2.0")]
    [InlineData("/api/users?version=%32", "users 2.0")]
    public async Task QueryString_Version_ReadsVersion(string path, string expected) =>
        Assert.Equal(expected, await _client.GetStringAsync(path));

    [Theory]
    [InlineData("application/vnd.api+json;version=2")]
    [InlineData("application/vnd.api+json; q=0.9; version=\"2.0\"")]
    [InlineData("text/plain, application/vnd.api+json;version=2")]
    public async Task MediaType_Accept_ReadsVersion(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _client.SendAsync(request);
        Assert.Equal("users 2.0", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MediaType_ContentType_ReadsVersion()
    {
        using var content = new StringContent("{}");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/vnd.api+json; version=2.0");
        using var response = await _client.PostAsync("/api/users", content);
        Assert.Equal("created 2.0", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readers_AgreeingVersions_AreCombined()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/users?version=2.0");
        request.Headers.Add("API-Version", "2");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;version=2.0");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("users 2.0", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UrlSegment_NotAVersionSegment_IsLeftAlone()
    {
        using var response = await _client.GetAsync("/api/videos");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
