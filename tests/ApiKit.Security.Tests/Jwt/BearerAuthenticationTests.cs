using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using ApiKit.Security.Jwt;
using ApiKit.Security.Telemetry;
using ApiKit.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Security.Tests.Jwt;

/// <summary>The bearer scheme through a real pipeline on TestServer: [Authorize], RequireAuthorization, User, and RFC 6750 challenges.</summary>
public sealed class BearerAuthenticationTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly JwtKeyRing _ring;
    private WebApplication? _app;
    private HttpClient? _client;

    public BearerAuthenticationTests() => _ring = new JwtKeyRing(JwtSigningKey.Generate("key-1", JwsAlgorithm.ES256), _time);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddApiKitJwt(
            o =>
            {
                o.Issuer = JwtTestKit.Issuer;
                o.Audiences.Add(JwtTestKit.Audience);
            },
            _ => _ring);
        builder.Services.AddAuthentication(JwtDefaults.AuthenticationScheme).AddApiKitJwtBearer(configure: o => o.Realm = "chat");
        builder.Services.AddAuthorization();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGet("/me", (ClaimsPrincipal user) => new { name = user.Identity!.Name, admin = user.IsInRole("admin") }).RequireAuthorization();
        _app.MapGet("/attribute", [Authorize(Roles = "admin")] () => "ok");
        _app.MapJwks();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Get_WithoutToken_Is401WithBareBearerChallenge()
    {
        var response = await _client!.GetAsync("/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"chat\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Get_WithOtherScheme_Is401WithoutErrorAttribute()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");

        var response = await _client!.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("error=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithValidToken_IsAuthenticatedWithJwtClaims()
    {
        var response = await SendAsync("/me", Issue("admin"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("user-1", body.RootElement.GetProperty("name").GetString());
        Assert.True(body.RootElement.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task Get_AttributeRoleWithoutRole_Is403InsufficientScope()
    {
        var response = await SendAsync("/attribute", Issue("user"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Bearer error=\"insufficient_scope\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/attribute", Issue("admin"))).StatusCode);
    }

    [Fact]
    public async Task Get_WithExpiredToken_Is401InvalidTokenWithDescription()
    {
        var token = Issue("user");
        _time.Advance(TimeSpan.FromHours(1));

        var response = await SendAsync("/me", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"chat\", error=\"invalid_token\", error_description=\"The token expired.\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Get_WithGarbageToken_Is401InvalidTokenWithoutEcho()
    {
        var response = await SendAsync("/me", "<script>alert(1)</script>");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.DoesNotContain("alert", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_RejectedToken_IsCountedByErrorCode()
    {
        var recorded = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ApiKit.Security" && instrument.Name == "apikit.security.jwt.authentications")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (recorded)
            {
                recorded.Add(tags[0].Value as string);
            }
        });
        listener.Start();

        await SendAsync("/me", "a.b");
        await SendAsync("/me", Issue("user"));

        lock (recorded)
        {
            Assert.Contains("Malformed", recorded);
            Assert.Contains("None", recorded);
        }
    }

    [Fact]
    public async Task Get_RejectedToken_StartsValidateActivityTaggedWithTheError()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SecurityTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await SendAsync("/me", "a.b");

        lock (stopped)
        {
            Assert.Contains(stopped, a => a.OperationName == SecurityTelemetry.JwtValidateActivity && (string?)a.GetTagItem("apikit.jwt.error") == "Malformed");
        }
    }

    [Fact]
    public async Task Get_WithTwoAuthorizationHeaders_Is400InvalidRequest()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer a.b.c", "Bearer d.e.f"]);

        var response = await _client!.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJwks_Anonymous_ListsCurrentPublicKeys()
    {
        _ring.Rotate(JwtSigningKey.Generate("key-2", JwsAlgorithm.ES256), TimeSpan.FromMinutes(30));

        var response = await _client!.GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType!.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var ids = body.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
        Assert.Equal(["key-1", "key-2"], ids);
        Assert.DoesNotContain("\"d\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(31));
        using var later = JsonDocument.Parse(await _client.GetStringAsync("/.well-known/jwks.json"));
        Assert.Equal(["key-2"], later.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
    }

    private string Issue(string role)
    {
        var options = new JwtOptions { Issuer = JwtTestKit.Issuer };
        options.Audiences.Add(JwtTestKit.Audience);
        var descriptor = new JwtTokenDescriptor { Subject = "user-1" };
        descriptor.Roles.Add(role);
        return new JwtIssuer(options, _ring, _time).Issue(descriptor);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return await _client!.SendAsync(request);
    }
}
