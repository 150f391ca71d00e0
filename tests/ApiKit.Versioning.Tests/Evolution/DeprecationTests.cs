using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using ApiKit.Testing;
using ApiKit.Versioning.Tests.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Versioning.Tests.Evolution;

public sealed class DeprecationTests
{
    private static readonly DateTimeOffset DeprecatedAt = new(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SunsetAt = new(2026, 3, 1, 12, 30, 15, TimeSpan.FromHours(2));

    [Fact]
    public async Task Headers_DeprecatedVersion_RfcExactFormats()
    {
        await using var app = await StartAsync(new ManualTimeProvider(), rejectSunset: false);
        using var response = await app.GetTestClient().GetAsync("/api/v1/messages");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("@1751328000", TestApp.Header(response, "Deprecation"));
        Assert.Equal("Sun, 01 Mar 2026 10:30:15 GMT", TestApp.Header(response, "Sunset"));
        Assert.True(DateTimeOffset.TryParseExact(TestApp.Header(response, "Sunset"), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed));
        Assert.Equal(SunsetAt, parsed);
        var links = response.Headers.GetValues("Link").ToArray();
        Assert.Contains("<https://example.com/deprecation>; rel=\"deprecation\"; type=\"text/html\"", links);
        Assert.Contains("<https://example.com/migrate-to-v2>; rel=\"sunset\"; type=\"text/html\"", links);
        Assert.Equal("1.0, 2.0", TestApp.Header(response, "api-supported-versions"));
        Assert.Equal("1.0", TestApp.Header(response, "api-deprecated-versions"));
    }

    [Fact]
    public async Task Headers_CurrentVersion_NoDeprecationButListsDeprecated()
    {
        await using var app = await StartAsync(new ManualTimeProvider(), rejectSunset: false);
        using var response = await app.GetTestClient().GetAsync("/api/v2/messages");

        Assert.Null(TestApp.Header(response, "Deprecation"));
        Assert.Null(TestApp.Header(response, "Sunset"));
        Assert.False(response.Headers.Contains("Link"));
        Assert.Equal("1.0", TestApp.Header(response, "api-deprecated-versions"));
    }

    [Fact]
    public async Task Sunset_RejectEnabled_Returns410AfterSunsetOnly()
    {
        var time = new ManualTimeProvider(SunsetAt.AddSeconds(-1));
        await using var app = await StartAsync(time, rejectSunset: true);
        var client = app.GetTestClient();

        using var before = await client.GetAsync("/api/v1/messages");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        time.Advance(TimeSpan.FromSeconds(1));
        using var after = await client.GetAsync("/api/v1/messages");
        Assert.Equal(HttpStatusCode.Gone, after.StatusCode);
        var problem = await TestApp.ProblemAsync(after);
        Assert.Equal("ApiVersionSunset", problem.GetProperty("code").GetString());
        Assert.Equal("https://apikit.dev/problems/api-version-sunset", problem.GetProperty("type").GetString());
        Assert.Equal("Sun, 01 Mar 2026 10:30:15 GMT", TestApp.Header(after, "Sunset"));
        Assert.Equal("1.0, 2.0", TestApp.Header(after, "api-supported-versions"));

        using var current = await client.GetAsync("/api/v2/messages");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task Policies_FromConfiguration_AreApplied()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ApiVersioning:DefaultVersion"] = "2.0",
            ["ApiVersioning:HeaderName"] = "X-Version",
            ["ApiVersioning:Policies:1.0:Deprecation"] = "2025-07-01T00:00:00Z",
            ["ApiVersioning:Policies:1.0:DeprecationLink"] = "https://example.com/deprecation",
            ["ApiVersioning:Policies:1.0:Sunset"] = "2026-03-01T10:30:15Z",
        }).Build();
        await using var app = await TestApp.StartAsync(
            a => a.MapGroup("/api/messages").HasApiVersion(1.0).HasApiVersion(2.0).MapGet("/", () => "ok"),
            build: b => b.Services.AddApiVersioning(configuration.GetSection("ApiVersioning")));

        var options = app.Services.GetRequiredService<IOptions<ApiVersioningOptions>>().Value;
        Assert.Equal(new ApiVersion(2, 0), options.DefaultVersion);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/messages");
        request.Headers.Add("X-Version", "1");
        using var response = await app.GetTestClient().SendAsync(request);
        Assert.Equal("@1751328000", TestApp.Header(response, "Deprecation"));
        Assert.Equal("Sun, 01 Mar 2026 10:30:15 GMT", TestApp.Header(response, "Sunset"));
        Assert.Equal("<https://example.com/deprecation>; rel=\"deprecation\"; type=\"text/html\"", TestApp.Header(response, "Link"));
    }

    [Fact]
    public async Task Options_InvalidPolicyKeyOrOrder_FailOnStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(
            a => a.MapGet("/", () => "ok"),
            o =>
            {
                o.Policies["one"] = new ApiVersionPolicyOptions();
                o.Policy(new ApiVersion(2, 0)).Deprecation = DeprecatedAt;
                o.Policy(new ApiVersion(2, 0)).Sunset = DeprecatedAt.AddDays(-1);
            }));
        Assert.Contains("'one'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sunset must not be before", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_PerVersionAndClient_AreRecorded()
    {
        await using var app = await StartAsync(new ManualTimeProvider(), rejectSunset: false);
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        using var recorder = new MeasurementRecorder(factory, ApiVersioningDefaults.MeterName, "apikit.versioning.requests");
        var client = app.GetTestClient();

        using var old = new HttpRequestMessage(HttpMethod.Get, "/api/v1/messages");
        old.Headers.Add("X-Client-Id", "legacy-app");
        (await client.SendAsync(old)).Dispose();
        (await client.GetAsync("/api/v2/messages")).Dispose();
        (await client.GetAsync("/api/v9/messages")).Dispose();

        var measurements = recorder.Measurements.ToArray();
        Assert.Equal(3, measurements.Length);
        var legacy = measurements.Single(m => (string?)m.Tags["client.id"] == "legacy-app");
        Assert.Equal("1.0", legacy.Tags["api.version"]);
        Assert.Equal(true, legacy.Tags["api.version.deprecated"]);
        Assert.Equal(200, legacy.Tags["http.response.status_code"]);
        var unsupported = measurements.Single(m => m.Tags.ContainsKey("error.type"));
        Assert.Equal("ApiVersionUnsupported", unsupported.Tags["error.type"]);
        Assert.Equal("anonymous", unsupported.Tags["client.id"]);
        Assert.Equal(400, unsupported.Tags["http.response.status_code"]);
    }

    private static Task<WebApplication> StartAsync(ManualTimeProvider time, bool rejectSunset) => TestApp.StartAsync(
        a => a.MapGroup("/api/messages").HasApiVersion(1.0).HasApiVersion(2.0).MapGet("/", () => "ok"),
        o =>
        {
            o.RejectSunsetVersions = rejectSunset;
            var v1 = o.Policy(new ApiVersion(1, 0));
            v1.Deprecation = DeprecatedAt;
            v1.DeprecationLink = new Uri("https://example.com/deprecation");
            v1.Sunset = SunsetAt;
            v1.SunsetLink = new Uri("https://example.com/migrate-to-v2");
        },
        b => b.Services.AddSingleton<TimeProvider>(time));
}
