using System.Diagnostics;
using ApiKit.Versioning;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Benchmarks.Versioning;

/// <summary>
/// The same comparison as <see cref="VersionedRequestBenchmarks"/> without the test server: the application's
/// request delegate (path-prefix rule, routing, endpoint) is invoked directly with a fresh <see cref="DefaultHttpContext"/>,
/// and the response's OnStarting callbacks run as a server would run them, so the version headers are written.
/// No thread hops, so it is steadier on a shared machine, and the relative cost of versioning is larger.
/// </summary>
[MinColumn]
[MedianColumn]
public class VersionedPipelineBenchmarks
{
    private RequestDelegate _plain = null!;
    private RequestDelegate _noopPolicy = null!;
    private RequestDelegate _versioned = null!;
    private IServiceProvider _plainServices = null!;
    private IServiceProvider _noopPolicyServices = null!;
    private IServiceProvider _versionedServices = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_plain, _plainServices) = Build(versioned: false, noopPolicy: false);
        (_noopPolicy, _noopPolicyServices) = Build(versioned: false, noopPolicy: true);
        (_versioned, _versionedServices) = Build(versioned: true, noopPolicy: false);
    }

    [Benchmark(Baseline = true)]
    public Task Unversioned() => InvokeAsync(_plain, _plainServices, "/api/users", "2.0");

    /// <summary>The routing cost any endpoint selector policy brings (candidate set, policy dispatch), for reference.</summary>
    [Benchmark]
    public Task Unversioned_WithNoOpSelectorPolicy() => InvokeAsync(_noopPolicy, _noopPolicyServices, "/api/users", "2.0");

    [Benchmark]
    public Task Versioned_Header() => InvokeAsync(_versioned, _versionedServices, "/api/users", "2.0");

    [Benchmark]
    public Task Versioned_UrlSegment() => InvokeAsync(_versioned, _versionedServices, "/api/v2/users", null);

    private static async Task InvokeAsync(RequestDelegate pipeline, IServiceProvider services, string path, string? header)
    {
        var response = new StartingResponseFeature();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(response);
        context.RequestServices = services;
        context.Request.Method = "GET";
        context.Request.Path = path;
        if (header is not null)
        {
            context.Request.Headers["API-Version"] = header;
        }

        await pipeline(context);
        await response.FireOnStartingAsync();
        if (context.Response.StatusCode != 200)
        {
            throw new InvalidOperationException("Unexpected status " + context.Response.StatusCode);
        }
    }

    private static (RequestDelegate Pipeline, IServiceProvider Services) Build(bool versioned, bool noopPolicy)
    {
        var services = new ServiceCollection().AddLogging().AddRouting();
        if (noopPolicy)
        {
            services.AddSingleton<MatcherPolicy, NoOpSelectorPolicy>();
        }

        services.AddSingleton(new DiagnosticListener("Microsoft.AspNetCore"));
        if (versioned)
        {
            services.AddApiVersioning();
        }

        var provider = services.BuildServiceProvider();
        var app = new ApplicationBuilder(provider);
        if (versioned)
        {
            app.UseMiddleware<UrlSegmentMiddleware>();
        }

        app.UseRouting();
        app.UseEndpoints(endpoints =>
        {
            if (versioned)
            {
                var users = endpoints.MapGroup("/api/users").HasApiVersion(1.0).HasApiVersion(2.0);
                users.MapGet("/", static () => "users").MapToApiVersion(1.0);
                users.MapGet("/", static () => "users").MapToApiVersion(2.0);
            }
            else
            {
                endpoints.MapGet("/api/users", static () => "users");
            }
        });
        return (app.Build(), provider);
    }

    private sealed class NoOpSelectorPolicy : MatcherPolicy, IEndpointSelectorPolicy
    {
        public override int Order => 0;

        public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => true;

        public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates) => Task.CompletedTask;
    }

    private sealed class StartingResponseFeature : HttpResponseFeature
    {
        private Func<object, Task>? _callback;
        private object? _state;

        public override void OnStarting(Func<object, Task> callback, object state)
        {
            // One callback is all these apps register; a server keeps a stack.
            _callback = callback;
            _state = state;
        }

        public Task FireOnStartingAsync() => _callback is null ? Task.CompletedTask : _callback(_state!);
    }
}
