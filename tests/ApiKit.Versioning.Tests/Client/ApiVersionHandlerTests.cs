using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Versioning.Tests.Client;

public sealed class ApiVersionHandlerTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(app =>
    {
        var group = app.MapGroup("/api/echo").HasApiVersion(1.0).HasApiVersion(2.0);
        group.MapGet("/", (HttpContext c) => c.GetRequestedApiVersion().ToString());
        group.MapPost("/", (HttpContext c) => c.GetRequestedApiVersion().ToString());
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(ApiVersionClientMode.Header)]
    [InlineData(ApiVersionClientMode.QueryString)]
    [InlineData(ApiVersionClientMode.MediaType)]
    public async Task SendAsync_EachMode_ServerReadsStampedVersion(ApiVersionClientMode mode)
    {
        using var client = CreateClient(o => o.Mode = mode);
        Assert.Equal("2.0", await client.GetStringAsync("/api/echo?x=1"));
        using var response = await client.PostAsJsonAsync("/api/echo", new { a = 1 });
        Assert.Equal("2.0", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_ExplicitVersionOnRequest_IsKept()
    {
        using var client = CreateClient(o => o.Mode = ApiVersionClientMode.QueryString);
        Assert.Equal("1.0", await client.GetStringAsync("/api/echo?version=1"));
    }

    [Fact]
    public async Task SendAsync_CustomHeaderName_IsUsed()
    {
        var stamped = new List<string>();
        using var handler = new ApiVersionHandler(new ApiVersionClientOptions { Version = new ApiVersion(3, 1), HeaderName = "X-Api" })
        {
            InnerHandler = new CaptureHandler(r => stamped.Add(string.Join(",", r.Headers.GetValues("X-Api")))),
        };
        using var invoker = new HttpMessageInvoker(handler);
        (await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://localhost/"), default)).Dispose();
        Assert.Equal(["3.1"], stamped);
    }

    [Fact]
    public void Constructor_InvalidVersion_Throws() =>
        Assert.Throws<ArgumentException>(() => new ApiVersionHandler(new ApiVersionClientOptions()));

    private HttpClient CreateClient(Action<ApiVersionClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("api", c => c.BaseAddress = new Uri("http://localhost"))
            .ConfigurePrimaryHttpMessageHandler(() => _app.GetTestServer().CreateHandler())
            .AddApiVersion(new ApiVersion(2, 0), configure);
        var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
    }

    private sealed class CaptureHandler(Action<HttpRequestMessage> capture) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            capture(request);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
