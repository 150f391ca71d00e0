using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ChatApi.Tests.Auth;

public sealed class TokenTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Login_ReturnsAnEs256AccessTokenAndARefreshToken()
    {
        var user = await factory.RegisterAsync();

        var tokens = await _client.LoginAsync(user.Username);

        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.Equal(900, tokens.GetProperty("expiresIn").GetInt32());
        Assert.Equal("User", tokens.GetProperty("role").GetString());
        Assert.Equal(43, tokens.GetProperty("refreshToken").GetString()!.Length);
        var parts = tokens.GetProperty("accessToken").GetString()!.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url(parts[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.RootElement.GetProperty("typ").GetString());
        using var claims = JsonDocument.Parse(Base64Url(parts[1]));
        Assert.Equal(user.Id.ToString("D"), claims.RootElement.GetProperty("sub").GetString());
        Assert.Equal("User", claims.RootElement.GetProperty("roles")[0].GetString());
        Assert.Equal("chatapi", claims.RootElement.GetProperty("iss").GetString());
    }

    [Fact]
    public async Task AccessToken_AuthenticatesRequests()
    {
        var user = await factory.RegisterAsync();
        var token = (await _client.LoginAsync(user.Username)).GetProperty("accessToken").GetString()!;

        await SendWithTokenAsync(token).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task NoToken_Returns401WithBearerChallengeAndProblem()
    {
        using var response = await _client.GetAsync("/api/v1/rooms");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Authorization: Bearer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    [InlineData("a.b.c.d.e")]
    public async Task GarbageToken_Returns401InvalidToken(string token)
    {
        using var response = await SendWithTokenAsync(token);

        await AssertInvalidTokenAsync(response);
    }

    [Fact]
    public async Task HugeToken_Returns401NeverA500()
    {
        using var response = await SendWithTokenAsync(new string('a', 20_000) + "." + new string('b', 10) + ".c");

        await AssertInvalidTokenAsync(response);
    }

    [Fact]
    public async Task ExpiredToken_Returns401InvalidToken()
    {
        var user = await factory.RegisterAsync();
        var token = (await _client.LoginAsync(user.Username)).GetProperty("accessToken").GetString()!;
        factory.Time.Advance(TimeSpan.FromMinutes(16));

        using var response = await SendWithTokenAsync(token);

        var challenge = await AssertInvalidTokenAsync(response);
        Assert.Contains("expired", challenge, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TamperedToken_Returns401InvalidToken()
    {
        var user = await factory.RegisterAsync();
        var token = (await _client.LoginAsync(user.Username)).GetProperty("accessToken").GetString()!;
        var parts = token.Split('.');
        var claims = Base64Url(parts[1]).Replace("\"User\"", "\"Admin\"", StringComparison.Ordinal);
        var forged = parts[0] + "." + Convert.ToBase64String(Encoding.UTF8.GetBytes(claims)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];

        await AssertInvalidTokenAsync(await SendWithTokenAsync(forged));
    }

    [Fact]
    public async Task TokenOfAnotherInstance_Returns401()
    {
        using var other = new ChatApiFactory();
        var user = await other.RegisterAsync();
        using var otherClient = other.CreateClient();
        var foreign = (await otherClient.LoginAsync(user.Username)).GetProperty("accessToken").GetString()!;

        await AssertInvalidTokenAsync(await SendWithTokenAsync(foreign));
    }

    [Fact]
    public async Task Refresh_RotatesBothTokens()
    {
        var user = await factory.RegisterAsync();
        var login = await _client.LoginAsync(user.Username);

        var refreshed = await RefreshAsync(login.GetProperty("refreshToken").GetString()).ExpectAsync(HttpStatusCode.OK);

        Assert.NotEqual(login.GetProperty("refreshToken").GetString(), refreshed.GetProperty("refreshToken").GetString());
        Assert.NotEqual(login.GetProperty("accessToken").GetString(), refreshed.GetProperty("accessToken").GetString());
        await SendWithTokenAsync(refreshed.GetProperty("accessToken").GetString()!).ExpectAsync(HttpStatusCode.OK);
        await RefreshAsync(refreshed.GetProperty("refreshToken").GetString()).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Refresh_ReuseOfARotatedToken_RevokesTheWholeFamily()
    {
        var user = await factory.RegisterAsync();
        var first = (await _client.LoginAsync(user.Username)).GetProperty("refreshToken").GetString();
        var second = (await RefreshAsync(first).ExpectAsync(HttpStatusCode.OK)).GetProperty("refreshToken").GetString();

        await RefreshAsync(first).ExpectProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");

        // The thief's replay also kills the legitimate client's current token: both must log in again.
        await RefreshAsync(second).ExpectProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_revoked");
    }

    [Fact]
    public async Task Refresh_ConcurrentUsesOfOneToken_AtMostOneSucceeds()
    {
        var user = await factory.RegisterAsync();
        var token = (await _client.LoginAsync(user.Username)).GetProperty("refreshToken").GetString();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            using var response = await RefreshAsync(token);
            return response.StatusCode;
        })));

        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) <= 1, string.Join(", ", statuses));
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }

    [Fact]
    public async Task Refresh_AfterLogout_Returns401Revoked()
    {
        var user = await factory.RegisterAsync();
        var login = await _client.LoginAsync(user.Username);
        var refresh = login.GetProperty("refreshToken").GetString();
        var authenticated = factory.As(user.Id);

        await authenticated.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = refresh }).ExpectAsync(HttpStatusCode.NoContent);

        await RefreshAsync(refresh).ExpectProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_revoked");
    }

    [Fact]
    public async Task Logout_WithoutAuthentication_Returns401()
    {
        await _client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = "x" }).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_Expired_Returns401Expired()
    {
        var user = await factory.RegisterAsync();
        var refresh = (await _client.LoginAsync(user.Username)).GetProperty("refreshToken").GetString();
        factory.Time.Advance(TimeSpan.FromDays(15));

        await RefreshAsync(refresh).ExpectProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_expired");
    }

    [Fact]
    public async Task Refresh_CarriesTheCurrentRole()
    {
        var user = await factory.RegisterAsync();
        var refresh = (await _client.LoginAsync(user.Username)).GetProperty("refreshToken").GetString();
        using var admin = factory.CreateAdminClient();
        await admin.PutAsJsonAsync($"/api/v1/users/{user.Id}/role", new { role = "moderator" }).ExpectAsync(HttpStatusCode.OK);

        var refreshed = await RefreshAsync(refresh).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Moderator", refreshed.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("not-a-refresh-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Refresh_UnknownToken_Returns401(string token)
    {
        await RefreshAsync(token).ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(129)]
    public async Task Refresh_MissingOrOversizedToken_Returns400(object? token)
    {
        var value = token is int length ? new string('a', length) : (string?)token;

        await RefreshAsync(value).ExpectValidationProblemAsync("refreshToken");
    }

    [Fact]
    public async Task Jwks_IsAnonymousAndHasOnlyThePublicKey()
    {
        var jwks = await _client.GetAsync("/.well-known/jwks.json").ExpectAsync(HttpStatusCode.OK);

        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }

    private Task<HttpResponseMessage> RefreshAsync(string? refreshToken) =>
        _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    private Task<HttpResponseMessage> SendWithTokenAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/rooms");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _client.SendAsync(request);
    }

    private static async Task<string> AssertInvalidTokenAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Equal("Bearer", challenge.Scheme);
            Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return challenge.Parameter!;
        }
    }

    private static string Base64Url(string segment)
    {
        var padded = segment.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
    }

    [Fact]
    public async Task ConfiguredPemKey_SignsTheTokensAndIsPublished()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var configured = new ChatApiFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Security:Jwt:SigningKey:Pem"] = key.ExportPkcs8PrivateKeyPem(),
                ["Security:Jwt:SigningKey:KeyId"] = "prod-1",
            },
        };
        var user = await configured.RegisterAsync();
        using var client = configured.CreateClient();

        var token = (await client.LoginAsync(user.Username)).GetProperty("accessToken").GetString()!;
        var jwks = await client.GetAsync("/.well-known/jwks.json").ExpectAsync(HttpStatusCode.OK);

        using var header = JsonDocument.Parse(Base64Url(token.Split('.')[0]));
        Assert.Equal("prod-1", header.RootElement.GetProperty("kid").GetString());
        var published = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal("prod-1", published.GetProperty("kid").GetString());
        Assert.Equal(Base64UrlEncode(key.ExportParameters(false).Q.X!), published.GetProperty("x").GetString());
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
