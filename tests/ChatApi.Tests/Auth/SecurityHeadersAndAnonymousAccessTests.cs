using System.Net;
using System.Net.Http.Json;

namespace ChatApi.Tests.Auth;

public sealed class SecurityHeadersAndAnonymousAccessTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _anonymous = factory.CreateClient();

    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", "/api/v1/users" },
        { "POST", "/api/v1/users" },
        { "GET", "/api/v1/users/0190a000-0000-7000-8000-000000000001" },
        { "PUT", "/api/v1/users/0190a000-0000-7000-8000-000000000001" },
        { "PATCH", "/api/v1/users/0190a000-0000-7000-8000-000000000001" },
        { "DELETE", "/api/v1/users/0190a000-0000-7000-8000-000000000001" },
        { "PUT", "/api/v1/users/0190a000-0000-7000-8000-000000000001/role" },
        { "GET", "/api/v1/users/0190a000-0000-7000-8000-000000000001/rooms" },
        { "GET", "/api/v1/rooms" },
        { "POST", "/api/v1/rooms" },
        { "GET", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001" },
        { "PATCH", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001" },
        { "DELETE", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001" },
        { "GET", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001/members" },
        { "POST", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001/members" },
        { "GET", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001/members/0190a000-0000-7000-8000-000000000002" },
        { "DELETE", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001/members/0190a000-0000-7000-8000-000000000002" },
        { "GET", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001/messages" },
        { "POST", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001/messages" },
        { "GET", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001/messages/0190a000-0000-7000-8000-000000000002" },
        { "PATCH", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001/messages/0190a000-0000-7000-8000-000000000002" },
        { "DELETE", "/api/v1/rooms/0190a000-0000-7000-8000-000000000001/messages/0190a000-0000-7000-8000-000000000002" },
        { "POST", "/api/v1/auth/logout" },
        { "POST", "/api/v1/auth/mfa/totp" },
        { "POST", "/api/v1/auth/mfa/totp/confirm" },
        { "POST", "/api/v1/auth/mfa/backup-codes" },
        { "GET", "/api/v1/auth/api-keys" },
        { "POST", "/api/v1/auth/api-keys" },
        { "DELETE", "/api/v1/auth/api-keys/abc" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ProtectedEndpoint_WithoutCredentials_Returns401WithChallengeAndSecurityHeaders(string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { }) };
        using var response = await _anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/.well-known/jwks.json")]
    [InlineData("/openapi/v1.json")]
    public async Task AnonymousEndpoint_Returns200WithSecurityHeaders(string url)
    {
        using var response = await _anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task SecurityHeaders_OnSuccess404And403()
    {
        var client = factory.CreateClientWithRole("Guest");

        using var ok = await client.GetAsync("/api/v1/rooms");
        using var notFound = await client.GetAsync($"/api/v1/rooms/{Guid.NewGuid()}");
        using var forbidden = await client.GetAsync("/api/v1/users");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        AssertSecurityHeaders(ok);
        AssertSecurityHeaders(notFound);
        AssertSecurityHeaders(forbidden);
    }

    [Fact]
    public async Task SecurityHeaders_OnA429()
    {
        var user = await factory.RegisterAsync();
        var client = factory.As(user.Id);
        var secret = (await client.PostAsync("/api/v1/auth/mfa/totp", null).ExpectAsync(HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        await client.PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = Totp.Code(secret, factory.Time.GetUtcNow()) }).ExpectAsync(HttpStatusCode.NoContent);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await _anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, totpCode = "000000" });
        }

        using var response = await _anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, totpCode = "000000" });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task OpenApi_DeclaresTheBearerSchemeAndLiftsItOnAnonymousOperations()
    {
        var document = await _anonymous.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("http", schemes.GetProperty("Bearer").GetProperty("type").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Equal("JWT", schemes.GetProperty("Bearer").GetProperty("bearerFormat").GetString());
        Assert.Equal("X-API-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Contains(document.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("Bearer", out _));
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh" })
        {
            Assert.Empty(paths.GetProperty(path).GetProperty("post").GetProperty("security").EnumerateArray());
        }

        Assert.False(paths.GetProperty("/api/v1/rooms").GetProperty("get").TryGetProperty("security", out _));
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.True(response.Headers.Contains("Referrer-Policy"));
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS belongs on HTTPS responses only.");
    }
}
