using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiKit.Benchmarks.Versioning;

/// <summary>
/// A full in-process request (TestServer: host pipeline, routing, endpoint, response with OnStarting callbacks)
/// to the same handler, without versioning (baseline) and with versioning choosing between two endpoints that share
/// the template by version, read from a header or from the URL segment.
/// </summary>
[MinColumn]
[MedianColumn]
public class VersionedRequestBenchmarks
{
    private WebApplication _plainApp = null!;
    private WebApplication _versionedApp = null!;
    private TestServer _plain = null!;
    private TestServer _versioned = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plainApp = Start(versioned: false);
        _versionedApp = Start(versioned: true);
        _plain = _plainApp.GetTestServer();
        _versioned = _versionedApp.GetTestServer();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plainApp.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _versionedApp.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpContext> Unversioned() => _plain.SendAsync(static c =>
    {
        c.Request.Path = "/api/users";
        c.Request.Headers["API-Version"] = "2.0";
    });

    [Benchmark]
    public Task<HttpContext> Versioned_Header() => _versioned.SendAsync(static c =>
    {
        c.Request.Path = "/api/users";
        c.Request.Headers["API-Version"] = "2.0";
    });

    [Benchmark]
    public Task<HttpContext> Versioned_UrlSegment() => _versioned.SendAsync(static c => c.Request.Path = "/api/v2/users");

    private static WebApplication Start(bool versioned)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (versioned)
        {
            builder.Services.AddApiVersioning();
        }

        var app = builder.Build();
        if (versioned)
        {
            var users = app.MapGroup("/api/users").HasApiVersion(1.0).HasApiVersion(2.0);
            users.MapGet("/", static () => "users").MapToApiVersion(1.0);
            users.MapGet("/", static () => "users").MapToApiVersion(2.0);
        }
        else
        {
            app.MapGet("/api/users", static () => "users");
        }

        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }
}
