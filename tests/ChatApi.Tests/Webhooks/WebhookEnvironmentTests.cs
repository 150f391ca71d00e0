using System.Net;
using System.Net.Http.Json;
using ChatApi.Tests.Auth;
using Microsoft.AspNetCore.Hosting;

namespace ChatApi.Tests.Webhooks;

/// <summary>Outside Development webhooks need HTTPS; loopback and private targets need an explicit allow-list everywhere.</summary>
public sealed class WebhookProductionTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    [Fact]
    public async Task Create_HttpUrlInProduction_Returns400()
    {
        var admin = factory.CreateAdminClient();

        var problem = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://hooks.example.com/chat", events = new[] { "message.*" } })
            .ExpectValidationProblemAsync("url");

        Assert.Contains("HTTPS", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_LoopbackWithoutAllowList_Returns400()
    {
        var admin = factory.CreateAdminClient();

        var problem = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://127.0.0.1:8443/chat", events = new[] { "message.*" } })
            .ExpectValidationProblemAsync("url");

        Assert.Contains("SSRF", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://localhost/chat", events = new[] { "message.*" } }).ExpectValidationProblemAsync("url");
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.localhost/chat", events = new[] { "message.*" } }).ExpectValidationProblemAsync("url");
    }

    [Fact]
    public async Task Create_PublicHttpsUrl_Returns201()
    {
        var admin = factory.CreateAdminClient();

        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/chat", events = new[] { "*" }, enabled = false })
            .ExpectAsync(HttpStatusCode.Created);
    }
}

/// <summary>The ChatApi in the Development environment.</summary>
public sealed class DevelopmentChatApiFactory : ChatApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Development");
    }
}

public sealed class WebhookDevelopmentTests(DevelopmentChatApiFactory factory) : IClassFixture<DevelopmentChatApiFactory>
{
    [Fact]
    public async Task Create_HttpUrlInDevelopment_Returns201ButLoopbackStillNeedsTheAllowList()
    {
        var admin = factory.CreateAdminClient();

        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://hooks.example.com/chat", events = new[] { "*" }, enabled = false })
            .ExpectAsync(HttpStatusCode.Created);
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:5001/chat", events = new[] { "*" } })
            .ExpectValidationProblemAsync("url");
    }
}
