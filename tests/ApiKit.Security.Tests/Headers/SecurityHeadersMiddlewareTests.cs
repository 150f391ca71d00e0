using System.Net;
using System.Threading.RateLimiting;
using ApiKit.Security.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Headers;

public sealed class SecurityHeadersMiddlewareTests : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddApiKitSecurityHeaders(o =>
        {
            o.AddPolicy("page", p => p.ContentSecurityPolicy = ContentSecurityPolicyBuilder.Api().ScriptSrc("'self'").WithNonce().WithNonce("style-src").Build());
            o.AddPolicy("legacy", p =>
            {
                p.UseLegacyXssProtection();
                p.PermissionsPolicy = null;
                p.CrossOriginOpenerPolicy = string.Empty;
            });
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddFixedWindowLimiter("one", l =>
            {
                l.PermitLimit = 1;
                l.Window = TimeSpan.FromHours(1);
                l.QueueLimit = 0;
                l.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
        });
        _app = builder.Build();
        _app.UseApiKitSecurityHeaders();
        _app.UseExceptionHandler();
        _app.UseRateLimiter();
        _app.MapGet("/ok", (HttpContext c) =>
        {
            c.Response.Headers.Server = "Kestrel";
            return "ok";
        });
        _app.MapGet("/boom", IResult () => throw new InvalidOperationException("boom"));
        _app.MapGet("/limited", () => "ok").RequireRateLimiting("one");
        _app.MapGet("/page", (HttpContext c) => c.GetCspNonce()).WithSecurityHeaders("page");
        _app.MapGet("/legacy", () => "ok").WithSecurityHeaders("legacy");
        _app.MapGet("/unknown", () => "ok").WithSecurityHeaders("nobody");
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
    public async Task Get_Ok_HasEveryDefaultHeaderAndNoServer()
    {
        var response = await _client!.GetAsync("/ok");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertDefaultHeaders(response);
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Get_OverHttps_AddsHsts()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://localhost/ok");

        var response = await _client!.SendAsync(request);

        Assert.Equal(SecurityHeadersDefaults.StrictTransportSecurity, Header(response, "Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/boom", HttpStatusCode.InternalServerError)]
    [InlineData("/missing", HttpStatusCode.NotFound)]
    public async Task Get_ErrorResponses_CarryHeaders(string path, HttpStatusCode expected)
    {
        var response = await _client!.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        AssertDefaultHeaders(response);
    }

    [Fact]
    public async Task Get_RateLimited429_CarriesHeaders()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client!.GetAsync("/limited")).StatusCode);

        var response = await _client.GetAsync("/limited");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        AssertDefaultHeaders(response);
    }

    [Fact]
    public async Task Get_PagePolicy_HasPerRequestNonceMatchingHttpContext()
    {
        var first = await _client!.GetAsync("/page");
        var second = await _client.GetAsync("/page");

        var nonce = await first.Content.ReadAsStringAsync();
        Assert.Equal(24, nonce.Length);
        Assert.Equal($"default-src 'none'; frame-ancestors 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'nonce-{nonce}'", Header(first, "Content-Security-Policy"));
        Assert.NotEqual(nonce, await second.Content.ReadAsStringAsync());
        Assert.Contains(await second.Content.ReadAsStringAsync(), Header(second, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_LegacyPolicy_UsesModeBlockAndOmitsDisabledHeaders()
    {
        var response = await _client!.GetAsync("/legacy");

        Assert.Equal("1; mode=block", Header(response, "X-XSS-Protection"));
        Assert.False(response.Headers.Contains("Permissions-Policy"));
        Assert.False(response.Headers.Contains("Cross-Origin-Opener-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    [Fact]
    public async Task Get_UnknownPolicyName_FallsBackToDefault()
    {
        AssertDefaultHeaders(await _client!.GetAsync("/unknown"));
    }

    [Fact]
    public void AddApiKitSecurityHeaders_ValueWithLineBreak_FailsValidation()
    {
        using var provider = new ServiceCollection().AddApiKitSecurityHeaders(o => o.Default.ReferrerPolicy = "no-referrer\r\nSet-Cookie: a=b").BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SecurityHeadersOptions>>().Value);
    }

    private static void AssertDefaultHeaders(HttpResponseMessage response)
    {
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Equal(SecurityHeadersDefaults.PermissionsPolicy, Header(response, "Permissions-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Resource-Policy"));
        Assert.Equal("0", Header(response, "X-XSS-Protection"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;
}
