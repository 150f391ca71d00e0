using Microsoft.AspNetCore.Http;

namespace ApiKit.Versioning.Tests.Reading;

public sealed class RequestReaderTests
{
    [Fact]
    public void Read_AllReadersAgreeing_AllocatesNothingAfterWarmUp()
    {
        var context = CreateContext();
        var options = new ApiVersioningOptions();
        UrlSegmentMiddleware.TryRemoveVersionSegment(context, "/api");
        ApiVersionRequestReader.Read(context, options, null);

        var before = GC.GetAllocatedBytesForCurrentThread();
        ApiVersionReadResult result = default;
        for (var i = 0; i < 1_000; i++)
        {
            result = ApiVersionRequestReader.Read(context, options, null);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(ApiVersionReadStatus.Specified, result.Status);
        Assert.Equal(new ApiVersion(2, 0), result.Version);
        Assert.Equal(ApiVersionSources.UrlSegment | ApiVersionSources.Header | ApiVersionSources.Query | ApiVersionSources.Accept | ApiVersionSources.ContentType, result.Sources);
    }

    [Theory]
    [InlineData("2.0", "Specified")]
    [InlineData("2.0, 2", "Specified")]
    [InlineData("2.0, 1.0", "Ambiguous")]
    [InlineData("2.0, x", "Invalid")]
    [InlineData("x, 1.0, 2.0", "Invalid")]
    [InlineData("", "Invalid")]
    public void Read_HeaderList_FoldsValues(string header, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["API-Version"] = header;
        Assert.Equal(expected, ApiVersionRequestReader.Read(context, new ApiVersioningOptions(), null).Status.ToString());
    }

    [Fact]
    public void Read_NothingAnywhere_IsUnspecified()
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/api/users";
        context.Request.QueryString = new QueryString("?versions=2&v=3");
        context.Request.Headers.Accept = "application/json;q=0.5;versionx=1";
        Assert.Equal(ApiVersionReadStatus.Unspecified, ApiVersionRequestReader.Read(context, new ApiVersioningOptions(), null).Status);
    }

    [Fact]
    public void Read_ReadersNone_IgnoresEverything()
    {
        var context = CreateContext();
        UrlSegmentMiddleware.TryRemoveVersionSegment(context, "/api");
        var result = ApiVersionRequestReader.Read(context, new ApiVersioningOptions { Readers = ApiVersionReaders.None }, null);
        Assert.Equal(ApiVersionReadStatus.Unspecified, result.Status);
    }

    [Theory]
    [InlineData("/api/v2/users", "/api/users", "2")]
    [InlineData("/api/v2", "/api", "2")]
    [InlineData("/API/V2.1/users/7", "/API/users/7", "2.1")]
    [InlineData("/api/vx/users", null, null)]
    [InlineData("/api/v", null, null)]
    [InlineData("/apiv2/users", null, null)]
    [InlineData("/other/v2/users", null, null)]
    public void TryRemoveVersionSegment_Paths_RewritesOnlyVersionSegments(string path, string? rewritten, string? segment)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        var removed = UrlSegmentMiddleware.TryRemoveVersionSegment(context, "/api/");
        Assert.Equal(rewritten is not null, removed);
        Assert.Equal(rewritten ?? path, context.Request.Path.Value);
        if (segment is not null)
        {
            Assert.Equal(segment, context.Features.Get<ApiVersioningFeature>()!.UrlSegment.ToString());
            Assert.Equal(path, context.Features.Get<ApiVersioningFeature>()!.OriginalPath);
        }
    }

    internal static DefaultHttpContext CreateContext()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/api/v2/users";
        context.Request.QueryString = new QueryString("?page=1&version=2.0");
        context.Request.Headers["API-Version"] = "2.0";
        context.Request.Headers.Accept = "application/vnd.api+json; version=2, text/plain;q=0.1";
        context.Request.Headers.ContentType = "application/vnd.api+json;version=\"2\"";
        return context;
    }
}
