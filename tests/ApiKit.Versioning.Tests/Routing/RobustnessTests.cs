using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Claims;
using ApiKit.Versioning.Tests.Telemetry;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Versioning.Tests.Routing;

public sealed class RobustnessTests
{
    [Fact]
    public async Task AnyQueryOrMediaTypeVersion_NeverServerError()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGroup("/api/users").HasApiVersion(1.0).HasApiVersion(2.0).MapGet("/", () => "ok"));
        var client = app.GetTestClient();
        var statuses = new HashSet<HttpStatusCode>();
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), text =>
        {
            var value = text ?? string.Empty;
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users?version=" + Uri.EscapeDataString(value));
            request.Headers.TryAddWithoutValidation("Accept", "application/json;version=" + value);
            using var response = client.SendAsync(request).GetAwaiter().GetResult();
            statuses.Add(response.StatusCode);
            return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.NotAcceptable
                && response.Headers.Contains("api-supported-versions");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
        Assert.Contains(HttpStatusCode.BadRequest, statuses);
    }

    [Fact]
    public async Task ReportApiVersions_Disabled_NoVersionHeaders()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGroup("/api/users").HasApiVersion(1.0).MapGet("/", () => "ok"),
            o => o.ReportApiVersions = false);
        using var response = await app.GetTestClient().GetAsync("/api/v1/users");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(TestApp.Header(response, "api-supported-versions"));
    }

    [Fact]
    public async Task Metrics_ClientFromClaim_PreferredOverHeader()
    {
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.Use((context, next) =>
                {
                    context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("client_id", "mobile-app")], "test"));
                    return next(context);
                });
                a.MapGroup("/api/users").HasApiVersion(1.0).MapGet("/", () => "ok");
            },
            o => o.ClientIdClaimType = "client_id");
        using var recorder = new MeasurementRecorder(app.Services.GetRequiredService<IMeterFactory>(), ApiVersioningDefaults.MeterName, "apikit.versioning.requests");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.Add("X-Client-Id", "spoofed");
        (await app.GetTestClient().SendAsync(request)).Dispose();
        var measurement = Assert.Single(recorder.Measurements);
        Assert.Equal("mobile-app", measurement.Tags["client.id"]);
    }
}
