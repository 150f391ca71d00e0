using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using ApiKit.Security.ApiKeys;
using ApiKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Security.Tests.ApiKeys;

public sealed class ApiKeyAuthenticationHandlerTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private ApiKeyManager Manager => _app.Services.GetRequiredService<ApiKeyManager>();

    public async Task InitializeAsync() => (_app, _client) = await StartAsync(null, problemDetails: true);

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<(WebApplication App, HttpClient Client)> StartAsync(string? headerName, bool problemDetails)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(_time);
        if (problemDetails)
        {
            builder.Services.AddProblemDetails();
        }

        builder.Services.AddInMemoryApiKeyStore();
        builder.Services.AddAuthentication(ApiKeyDefaults.AuthenticationScheme).AddApiKey(configure: o =>
        {
            if (headerName is not null)
            {
                o.HeaderName = headerName;
            }
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy("write", p => p.RequireClaim(ApiKeyDefaults.ScopeClaimType, "messages:write"));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (ClaimsPrincipal user) => new
        {
            owner = user.FindFirstValue(ClaimTypes.NameIdentifier),
            keyId = user.FindFirstValue(ApiKeyDefaults.KeyIdClaimType),
            scopes = user.FindAll(ApiKeyDefaults.ScopeClaimType).Select(c => c.Value).ToArray(),
        }).RequireAuthorization();
        app.MapPost("/messages", () => Results.NoContent()).RequireAuthorization("write");
        await app.StartAsync();
        return (app, app.GetTestClient());
    }

    private async Task<HttpResponseMessage> GetAsync(string? key, string header = ApiKeyDefaults.HeaderName, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(header, key);
        }

        return await (client ?? _client).SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string detailFragment)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ApiKey", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(detailFragment, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ValidKey_AuthenticatesOwnerAndScopes()
    {
        var created = await Manager.CreateAsync("bot-1", ["messages:read", "messages:write"]);
        using var response = await GetAsync(created.Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("bot-1", body.GetProperty("owner").GetString());
        Assert.Equal(created.Record.KeyId, body.GetProperty("keyId").GetString());
        Assert.Equal(["messages:read", "messages:write"], body.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Get_MissingKey_Returns401Problem()
    {
        using var response = await GetAsync(null);
        await AssertProblemAsync(response, "X-API-Key");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("apk_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA€")]
    public async Task Get_MalformedKey_Returns401Problem(string key)
    {
        using var response = await GetAsync(key);
        await AssertProblemAsync(response, "malformed");
    }

    [Fact]
    public async Task Get_MistypedKey_Returns401ChecksumProblem()
    {
        var created = await Manager.CreateAsync("bot", []);
        var typo = created.Key[..10] + (created.Key[10] == 'a' ? 'b' : 'a') + created.Key[11..];
        using var response = await GetAsync(typo);
        await AssertProblemAsync(response, "checksum");
    }

    [Fact]
    public async Task Get_UnknownKey_Returns401Problem()
    {
        using var response = await GetAsync(ApiKeyFormat.Generate(ApiKeyDefaults.Prefix).Key);
        await AssertProblemAsync(response, "not valid");
    }

    [Fact]
    public async Task Get_RevokedKey_Returns401Problem()
    {
        var created = await Manager.CreateAsync("bot", []);
        await Manager.RevokeAsync(created.Record.KeyId);
        using var response = await GetAsync(created.Key);
        await AssertProblemAsync(response, "revoked");
    }

    [Fact]
    public async Task Get_ExpiredKey_Returns401Problem()
    {
        var created = await Manager.CreateAsync("bot", [], TimeSpan.FromMinutes(5));
        _time.Advance(TimeSpan.FromMinutes(5));
        using var response = await GetAsync(created.Key);
        await AssertProblemAsync(response, "expired");
    }

    [Fact]
    public async Task Get_TwoKeyHeaders_Returns401Problem()
    {
        var created = await Manager.CreateAsync("bot", []);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.TryAddWithoutValidation(ApiKeyDefaults.HeaderName, [created.Key, created.Key]);
        using var response = await _client.SendAsync(request);
        await AssertProblemAsync(response, "More than one");
    }

    [Fact]
    public async Task Post_KeyWithoutScope_Returns403()
    {
        var reader = await Manager.CreateAsync("bot", ["messages:read"]);
        var writer = await Manager.CreateAsync("bot", ["messages:write"]);
        using var forbidden = new HttpRequestMessage(HttpMethod.Post, "/messages") { Headers = { { ApiKeyDefaults.HeaderName, reader.Key } } };
        using var allowed = new HttpRequestMessage(HttpMethod.Post, "/messages") { Headers = { { ApiKeyDefaults.HeaderName, writer.Key } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await _client.SendAsync(forbidden)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendAsync(allowed)).StatusCode);
    }

    [Fact]
    public async Task Get_ConfiguredHeaderName_IsUsed()
    {
        var (app, client) = await StartAsync("Authorization-Key", problemDetails: true);
        await using (app)
        {
            using (client)
            {
                var created = await app.Services.GetRequiredService<ApiKeyManager>().CreateAsync("bot", []);
                using var viaCustom = await GetAsync(created.Key, "Authorization-Key", client);
                using var viaDefault = await GetAsync(created.Key, ApiKeyDefaults.HeaderName, client);
                Assert.Equal(HttpStatusCode.OK, viaCustom.StatusCode);
                await AssertProblemAsync(viaDefault, "Authorization-Key");
            }
        }
    }

    [Fact]
    public async Task Get_WithoutProblemDetailsService_StillReturns401Problem()
    {
        var (app, client) = await StartAsync(null, problemDetails: false);
        await using (app)
        {
            using (client)
            {
                using var response = await GetAsync("apk_garbage", client: client);
                await AssertProblemAsync(response, "malformed");
            }
        }
    }
}
