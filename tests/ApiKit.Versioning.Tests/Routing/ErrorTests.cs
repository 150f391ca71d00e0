using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace ApiKit.Versioning.Tests.Routing;

public sealed class ErrorTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(app =>
        {
            app.UseExceptionHandler();
            var users = app.MapGroup("/api/users").HasApiVersion(1.0).HasApiVersion(2.0);
            users.MapGet("/", () => "users");
            users.MapPost("/", () => "created");
            users.MapGet("/boom", IResult () => throw new InvalidOperationException("boom"));
            app.MapGet("/health", () => "ok").IsApiVersionNeutral();
        });
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string> GarbageVersions => [" ", "abc", "1.x", "-1", "1..0", "9999999999", "2024-02-30", "v1", "1;DROP TABLE", "%00", "１"];

    [Theory]
    [MemberData(nameof(GarbageVersions))]
    public async Task Header_Garbage_Returns400Invalid(string garbage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.TryAddWithoutValidation("API-Version", garbage);
        using var response = await _client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionInvalid", "api-version-invalid");
    }

    [Theory]
    [MemberData(nameof(GarbageVersions))]
    public async Task QueryString_Garbage_Returns400Invalid(string garbage)
    {
        using var response = await _client.GetAsync("/api/users?version=" + Uri.EscapeDataString(garbage));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionInvalid", "api-version-invalid");
    }

    [Theory]
    [MemberData(nameof(GarbageVersions))]
    public async Task MediaType_Garbage_Returns400Invalid(string garbage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.api+json;version=\"" + garbage + "\"");
        using var response = await _client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionInvalid", "api-version-invalid");
    }

    [Theory]
    [InlineData("/api/v1x/users")]
    [InlineData("/api/v1.0.0/users")]
    [InlineData("/api/v2024-02-30/users")]
    [InlineData("/api/v99999999999/users")]
    public async Task UrlSegment_Garbage_Returns400Invalid(string path)
    {
        using var response = await _client.GetAsync(path);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionInvalid", "api-version-invalid");
    }

    [Theory]
    [InlineData("")]
    [InlineData("&version")]
    public async Task QueryString_Empty_Returns400Invalid(string suffix)
    {
        using var response = await _client.GetAsync("/api/users?version=" + suffix);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionInvalid", "api-version-invalid");
    }

    [Fact]
    public async Task Header_DuplicateConflictingValues_Returns400Ambiguous()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.Add("API-Version", ["1.0", "2.0"]);
        using var response = await _client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionAmbiguous", "api-version-ambiguous");
    }

    [Fact]
    public async Task Header_DuplicateEqualValues_IsAccepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.Add("API-Version", ["2", "2.0"]);
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/users", "API-Version", "2.0")]
    [InlineData("/api/users?version=1", "API-Version", "2.0")]
    [InlineData("/api/users?version=1&version=2", null, null)]
    [InlineData("/api/users?version=1", "Accept", "application/json;version=2")]
    [InlineData("/api/users", "Accept", "application/json;version=1, application/xml;version=2")]
    public async Task Readers_Conflicting_Returns400Ambiguous(string path, string? header, string? value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await _client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionAmbiguous", "api-version-ambiguous");
    }

    [Fact]
    public async Task Header_Unknown_Returns400Unsupported()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.Add("API-Version", "3.0");
        using var response = await _client.SendAsync(request);
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionUnsupported", "api-version-unsupported");
        Assert.Equal("3.0", problem.GetProperty("requestedVersion").GetString());
    }

    [Fact]
    public async Task UrlSegment_Unknown_Returns400Unsupported()
    {
        using var response = await _client.GetAsync("/api/v7/users");
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionUnsupported", "api-version-unsupported");
    }

    [Fact]
    public async Task Accept_Unknown_Returns406Unsupported()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.api+json;version=3");
        using var response = await _client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.NotAcceptable, "ApiVersionUnsupported", "api-version-unsupported");
    }

    [Fact]
    public async Task ContentType_Unknown_Returns415Unsupported()
    {
        using var content = new StringContent("{}");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/vnd.api+json;version=3");
        using var response = await _client.PostAsync("/api/users", content);
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "ApiVersionUnsupported", "api-version-unsupported");
    }

    [Fact]
    public async Task Unspecified_NoDefault_Returns400Unspecified()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGroup("/api/users").HasApiVersion(1.0).MapGet("/", () => "users"),
            o => o.AssumeDefaultVersionWhenUnspecified = false);
        using var response = await app.GetTestClient().GetAsync("/api/users");
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ApiVersionUnspecified", "api-version-unspecified", "1.0");
    }

    [Fact]
    public async Task Neutral_AnyOrGarbageVersion_IsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health?version=9");
        request.Headers.Add("API-Version", "garbage");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(TestApp.Header(response, "api-supported-versions"));
    }

    [Fact]
    public async Task HandlerException_VersionHeadersStillSent()
    {
        using var response = await _client.GetAsync("/api/v2/users/boom");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("1.0, 2.0", TestApp.Header(response, "api-supported-versions"));
    }

    [Theory]
    [InlineData("/api/v2/users/nothing/here")]
    [InlineData("/api/users/nothing/here")]
    public async Task NotFound_UnderVersionedGroup_Is404WithoutVersionHeaders(string path)
    {
        // No endpoint matched, so there is no API whose versions could be reported: documented in the README.
        using var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(TestApp.Header(response, "api-supported-versions"));
    }

    [Fact]
    public async Task MethodNotAllowed_UnderVersionedGroup_HasNoVersionHeaders()
    {
        // 405 comes from the HTTP method policy before versioning sees a versioned candidate: documented in the README.
        using var response = await _client.DeleteAsync("/api/users");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Null(TestApp.Header(response, "api-supported-versions"));
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string typeSuffix, string supported = "1.0, 2.0")
    {
        Assert.Equal(status, response.StatusCode);
        var problem = await TestApp.ProblemAsync(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal("https://apikit.dev/problems/" + typeSuffix, problem.GetProperty("type").GetString());
        Assert.Equal(supported, string.Join(", ", problem.GetProperty("supportedVersions").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal(supported, TestApp.Header(response, "api-supported-versions"));
        return problem;
    }
}
