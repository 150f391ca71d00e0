using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace ApiKit.Versioning.Tests.Reading;

public sealed class ReaderOptionsTests
{
    [Fact]
    public async Task Names_Configured_AreRead()
    {
        await using var app = await TestApp.StartAsync(
            app => app.MapGroup("/v/things").HasApiVersion(1.0).HasApiVersion(2.0).MapGet("/", (HttpContext c) => c.GetRequestedApiVersion().ToString()),
            o =>
            {
                o.HeaderName = "X-Api";
                o.QueryParameterName = "api";
                o.MediaTypeParameterName = "v";
                o.UrlSegmentPrefix = "/v";
            });
        var client = app.GetTestClient();

        using var header = new HttpRequestMessage(HttpMethod.Get, "/v/things");
        header.Headers.Add("X-Api", "2");
        Assert.Equal("2.0", await (await client.SendAsync(header)).Content.ReadAsStringAsync());
        Assert.Equal("2.0", await client.GetStringAsync("/v/things?api=2"));
        Assert.Equal("1.0", await client.GetStringAsync("/v/things?version=2"));
        Assert.Equal("2.0", await client.GetStringAsync("/v/v2/things"));
        using var media = new HttpRequestMessage(HttpMethod.Get, "/v/things");
        media.Headers.TryAddWithoutValidation("Accept", "application/json;v=2");
        Assert.Equal("2.0", await (await client.SendAsync(media)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readers_OnlyHeader_IgnoresOthers()
    {
        await using var app = await TestApp.StartAsync(
            app => app.MapGroup("/api/things").HasApiVersion(1.0).HasApiVersion(2.0).MapGet("/", (HttpContext c) => c.GetRequestedApiVersion().ToString()),
            o => o.Readers = ApiVersionReaders.Header);
        var client = app.GetTestClient();
        Assert.Equal("1.0", await client.GetStringAsync("/api/things?version=2"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v2/things")).StatusCode);
    }

    [Fact]
    public async Task DefaultVersion_Configured_IsUsedWhenUnspecified()
    {
        await using var app = await TestApp.StartAsync(
            app => app.MapGroup("/api/things").HasApiVersion(1.0).HasApiVersion(2.0).MapGet("/", (HttpContext c) => c.GetRequestedApiVersion().ToString()),
            o => o.DefaultVersion = new ApiVersion(2, 0));
        Assert.Equal("2.0", await app.GetTestClient().GetStringAsync("/api/things"));
    }
}
