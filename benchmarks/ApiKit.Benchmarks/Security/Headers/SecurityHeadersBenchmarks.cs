using ApiKit.Security.Headers;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiKit.Benchmarks.Security.Headers;

/// <summary>
/// One request through the security headers middleware, with the OnStarting callback fired as a server would.
/// The anchor is the usual hand-written middleware (a closure per request that sets string headers); the floor is
/// no middleware at all. The context and header dictionary are reused, as Kestrel reuses them per connection.
/// </summary>
public class SecurityHeadersBenchmarks
{
    private readonly RecordingResponseFeature _response = new();
    private readonly DefaultHttpContext _context = new();
    private readonly RequestDelegate _terminal = static _ => Task.CompletedTask;
    private SecurityHeadersMiddleware _middleware = null!;

    [GlobalSetup]
    public void Setup()
    {
        _context.Features.Set<IHttpResponseFeature>(_response);
        _context.Request.Scheme = "https";
        _middleware = new SecurityHeadersMiddleware(_terminal, Options.Create(new SecurityHeadersOptions()), NullLogger<SecurityHeadersMiddleware>.Instance);
    }

    [Benchmark]
    public Task NoMiddleware()
    {
        _response.Headers.Clear();
        return _terminal(_context);
    }

    [Benchmark(Baseline = true)]
    public async Task HandWrittenClosure()
    {
        _response.Headers.Clear();
        var context = _context;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'";
            headers["X-Frame-Options"] = "DENY";
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = SecurityHeadersDefaults.PermissionsPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers["X-XSS-Protection"] = "0";
            if (context.Request.IsHttps)
            {
                headers["Strict-Transport-Security"] = SecurityHeadersDefaults.StrictTransportSecurity;
            }

            headers.Remove("Server");
            return Task.CompletedTask;
        });
        await _terminal(context);
        await _response.FireOnStartingAsync();
    }

    [Benchmark]
    public Task ApiKitMiddleware()
    {
        _response.Headers.Clear();
        var task = _middleware.InvokeAsync(_context);
        return task.IsCompletedSuccessfully ? _response.FireOnStartingAsync() : Await(task);
    }

    private async Task Await(Task task)
    {
        await task;
        await _response.FireOnStartingAsync();
    }

    /// <summary>Keeps one OnStarting callback, like a server's per-request slot, and fires it on demand.</summary>
    private sealed class RecordingResponseFeature : IHttpResponseFeature
    {
        private Func<object, Task>? _callback;
        private object? _state;

        public int StatusCode { get; set; } = 200;

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary(16);

        public Stream Body { get; set; } = Stream.Null;

        public bool HasStarted => false;

        public void OnStarting(Func<object, Task> callback, object state)
        {
            _callback = callback;
            _state = state;
        }

        public void OnCompleted(Func<object, Task> callback, object state)
        {
        }

        public Task FireOnStartingAsync()
        {
            var callback = _callback!;
            _callback = null;
            return callback(_state!);
        }
    }
}
