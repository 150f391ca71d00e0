using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Webhooks.Tests.Management;

/// <summary>What create and update refuse beyond the body's shape: internal address literals (SSRF) and unknown event types.</summary>
public sealed class WebhookRegistrationRulesTests
{
    public static TheoryData<string> InternalUrls => new()
    {
        "https://10.0.0.1/hook",
        "https://10.1.2.3:8443/hook",
        "https://172.16.0.1/hook",
        "https://192.168.1.10/hook",
        "https://127.0.0.2/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://localhost/hook",
        "https://LOCALHOST:5001/hook",
        "https://api.localhost/hook",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[2002:a00:1::]/hook",
        "https://[64:ff9b::a00:1]/hook",
    };

    [Theory]
    [MemberData(nameof(InternalUrls))]
    public async Task Create_InternalAddressLiteral_Returns400NamingUrl(string url)
    {
        await using var app = await StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "*" } });

        var errors = await ExpectValidationProblemAsync(response, "url");
        Assert.Contains("SSRF", errors.GetProperty("url")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await app.Store.ListAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(InternalUrls))]
    public async Task Update_InternalAddressLiteral_Returns400AndKeepsTheUrl(string url)
    {
        await using var app = await StartAsync();
        var id = await CreateAsync(app, "https://hooks.example.com/keep", "*");

        using var response = await app.Client.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url, events = new[] { "*" } });

        await ExpectValidationProblemAsync(response, "url");
        Assert.Equal("https://hooks.example.com/keep", (await app.Store.GetAsync(id, CancellationToken.None))!.Url);
    }

    [Theory]
    [InlineData("https://93.184.216.34/hook")]
    [InlineData("https://[2606:2800:220:1:248:1893:25c8:1946]/hook")]
    [InlineData("https://internal.example/hook")] // names are resolved, and checked, at connect time only
    [InlineData("https://localhost.example.com/hook")]
    public async Task Create_PublicAddressOrHostName_Returns201(string url)
    {
        await using var app = await StartAsync();

        Assert.StartsWith("ep_", await CreateAsync(app, url, "*"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://127.0.0.1:9099/hook")]
    [InlineData("https://localhost:9099/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    public async Task Create_LoopbackInAllowList_Returns201(string url)
    {
        await using var app = await StartAsync(o => o.Ssrf.AllowedNetworks.Add("127.0.0.1/32"));

        Assert.StartsWith("ep_", await CreateAsync(app, url, "*"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SsrfGuardDisabled_AcceptsPrivateAddress()
    {
        await using var app = await StartAsync(o => o.Ssrf.Enabled = false);

        Assert.StartsWith("ep_", await CreateAsync(app, "https://10.0.0.1/hook", "*"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("message.exploded")]
    [InlineData("billing.*")]
    [InlineData("message")]
    [InlineData("message.sent.extra")]
    public async Task CreateAndUpdate_EventTypesConfiguredAndPatternMatchesNone_Return400NamingEvents(string pattern)
    {
        await using var app = await StartAsync(KnownTypes);
        var id = await CreateAsync(app, "https://hooks.example.com/a", "message.sent");

        using var create = await app.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/b", events = new[] { "message.sent", pattern } });
        using var update = await app.Client.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "https://hooks.example.com/a", events = new[] { pattern } });

        var errors = await ExpectValidationProblemAsync(create, "events");
        Assert.Contains($"'{pattern}'", errors.GetProperty("events")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("'message.sent'", errors.GetProperty("events")[0].GetString(), StringComparison.Ordinal);
        await ExpectValidationProblemAsync(update, "events");
        Assert.Equal(["message.sent"], (await app.Store.GetAsync(id, CancellationToken.None))!.Events);
    }

    [Theory]
    [InlineData("message.sent")]
    [InlineData("message.*")]
    [InlineData("user.*")]
    [InlineData("*")]
    public async Task Create_EventTypesConfiguredAndPatternMatchesOne_Returns201(string pattern)
    {
        await using var app = await StartAsync(KnownTypes);

        Assert.StartsWith("ep_", await CreateAsync(app, "https://hooks.example.com/a", pattern), StringComparison.Ordinal);
    }

    private static void KnownTypes(WebhookDeliveryOptions options)
    {
        options.EventTypes.Add("message.sent");
        options.EventTypes.Add("message.deleted");
        options.EventTypes.Add("user.created");
    }

    private static async Task<string> CreateAsync(TestApp app, string url, string events)
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { events } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> ExpectValidationProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        return errors;
    }

    private static async Task<TestApp> StartAsync(Action<WebhookDeliveryOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Services.AddWebhooks(configure).UseInMemoryStoreForTesting();
        var app = builder.Build();
        app.MapWebhookManagement("/api/v1/webhooks");
        await app.StartAsync();
        return new TestApp(app);
    }

    private sealed class TestApp(WebApplication app) : IAsyncDisposable
    {
        public HttpClient Client { get; } = app.GetTestClient();

        public InMemoryWebhookStoreForTesting Store => app.Services.GetRequiredService<InMemoryWebhookStoreForTesting>();

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
        }
    }
}
