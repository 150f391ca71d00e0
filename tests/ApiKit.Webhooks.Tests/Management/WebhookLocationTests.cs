using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Webhooks.Tests.Management;

/// <summary>The Location of a created endpoint is under the URL the caller used, whatever rewrote the path before routing.</summary>
public sealed class WebhookLocationTests
{
    [Theory]
    [InlineData("/api/v1/webhooks")]
    [InlineData("/api/v1/webhooks/")]
    [InlineData("/api/v2/webhooks?trace=1")]
    public async Task Create_PathRewrittenBeforeRouting_LocationKeepsTheCallersSegment(string requestPath)
    {
        // Like API versioning's path-prefix rule: /api/v1/webhooks is routed as /api/webhooks.
        await using var app = await StartAsync(
            "/api/webhooks",
            pipeline => pipeline.Use((context, next) =>
            {
                var path = context.Request.Path.Value!;
                if (path.StartsWith("/api/v", StringComparison.Ordinal))
                {
                    context.Request.Path = new PathString("/api" + path[path.IndexOf('/', 5)..]);
                }

                return next(context);
            }));

        var (id, location) = await CreateAsync(app.Client, requestPath);

        Assert.Equal(requestPath.Split('?')[0].TrimEnd('/') + "/" + id, location);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(location)).StatusCode);
    }

    [Fact]
    public async Task Create_OnKestrelWithPathRewritten_LocationKeepsTheCallersSegment()
    {
        // Kestrel keeps the request target as received, so nothing has to be remembered per request.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        var port = ApiKit.Testing.FreePort.Next();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddWebhooks().UseInMemoryStoreForTesting();
        await using var app = builder.Build();
        app.Use((context, next) =>
        {
            context.Request.Path = new PathString(context.Request.Path.Value!.Replace("/v1/", "/", StringComparison.Ordinal));
            return next(context);
        });
        app.UseRouting();
        app.MapWebhookManagement("/api/webhooks");
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var (id, location) = await CreateAsync(client, "/api/v1/webhooks");

        Assert.Equal("/api/v1/webhooks/" + id, location);
        await app.StopAsync();
    }

    [Fact]
    public async Task Create_PathRewrittenByAStartupFilterRegisteredEarlier_LocationKeepsTheCallersSegment()
    {
        // API versioning registers its path-prefix rule as a startup filter, typically before AddWebhooks.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Services.AddTransient<IStartupFilter, RemoveV1StartupFilter>();
        builder.Services.AddWebhooks().UseInMemoryStoreForTesting();
        await using var app = builder.Build();
        app.MapWebhookManagement("/api/webhooks");
        await app.StartAsync();
        using var client = app.GetTestClient();

        var (id, location) = await CreateAsync(client, "/api/v1/webhooks");

        Assert.Equal("/api/v1/webhooks/" + id, location);
    }

    [Fact]
    public async Task Create_UnderPathBase_LocationIncludesIt()
    {
        await using var app = await StartAsync("/webhooks", pipeline => pipeline.UsePathBase("/tenant"));

        var (id, location) = await CreateAsync(app.Client, "/tenant/webhooks");

        Assert.Equal("/tenant/webhooks/" + id, location);
    }

    [Fact]
    public async Task Create_WithoutRewrite_LocationIsTheCollectionPathPlusId()
    {
        await using var app = await StartAsync("/webhooks", _ => { });

        var (id, location) = await CreateAsync(app.Client, "/webhooks");

        Assert.Equal("/webhooks/" + id, location);
    }

    private static async Task<(string Id, string Location)> CreateAsync(HttpClient client, string path)
    {
        using var response = await client.PostAsJsonAsync(path, new { url = "https://hooks.example.com/a", events = new[] { "*" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        return (id, response.Headers.Location!.OriginalString);
    }

    private static async Task<TestApp> StartAsync(string prefix, Action<IApplicationBuilder> beforeRouting)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Services.AddWebhooks().UseInMemoryStoreForTesting();
        var app = builder.Build();
        beforeRouting(app);
        app.UseRouting();
        app.MapWebhookManagement(prefix);
        await app.StartAsync();
        return new TestApp(app);
    }

    private sealed class RemoveV1StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                context.Request.Path = new PathString(context.Request.Path.Value!.Replace("/v1/", "/", StringComparison.Ordinal));
                return inner(context);
            });
            next(app);
        };
    }

    private sealed class TestApp(WebApplication app) : IAsyncDisposable
    {
        public HttpClient Client { get; } = app.GetTestClient();

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
        }
    }
}
