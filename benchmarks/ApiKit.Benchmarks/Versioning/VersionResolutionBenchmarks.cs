using ApiKit.Versioning;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;

namespace ApiKit.Benchmarks.Versioning;

/// <summary>
/// Reading the requested version of one request. The baseline is the least any reader does (look up one header and
/// parse it); the others run the real resolution over one reader and over all four readers agreeing.
/// </summary>
public class VersionResolutionBenchmarks
{
    private readonly ApiVersioningOptions _options = new();
    private DefaultHttpContext _headerOnly = null!;
    private DefaultHttpContext _allReaders = null!;

    [GlobalSetup]
    public void Setup()
    {
        _headerOnly = new DefaultHttpContext();
        _headerOnly.Request.Path = "/api/users";
        _headerOnly.Request.Headers["API-Version"] = "2.0";

        _allReaders = new DefaultHttpContext();
        _allReaders.Request.Method = "POST";
        _allReaders.Request.Path = "/api/v2/users";
        _allReaders.Request.QueryString = new QueryString("?page=1&version=2.0");
        _allReaders.Request.Headers["API-Version"] = "2.0";
        _allReaders.Request.Headers.Accept = "application/vnd.api+json; version=2, text/plain;q=0.1";
        _allReaders.Request.Headers.ContentType = "application/vnd.api+json;version=\"2\"";
        UrlSegmentMiddleware.TryRemoveVersionSegment(_allReaders, "/api");
    }

    [Benchmark(Baseline = true)]
    public ApiVersion HeaderLookupAndParse()
    {
        ApiVersion.TryParse(_headerOnly.Request.Headers["API-Version"].ToString().AsSpan(), out var version);
        return version;
    }

    [Benchmark]
    public ApiVersion Resolve_Header() => ApiVersionRequestReader.Read(_headerOnly, _options, null).Version;

    [Benchmark]
    public ApiVersion Resolve_AllFourReaders() => ApiVersionRequestReader.Read(_allReaders, _options, null).Version;
}
