using System.Diagnostics;

namespace ChatApi.Infrastructure;

/// <summary>
/// Writes one structured line per request (method, path, status, duration, trace id). With the JSON
/// console formatter each field becomes a JSON property, so the line can be joined with the other log
/// lines of the same request and with the trace id in problem responses.
/// </summary>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger, TimeProvider timeProvider)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = timeProvider.GetElapsedTime(started);
            var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            LogRequest(logger, context.Request.Method, context.Request.Path, context.Response.StatusCode, elapsed.TotalMilliseconds, traceId);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "HTTP {Method} {Path} responded {StatusCode} in {DurationMs:0.0} ms (trace {TraceId})")]
    private static partial void LogRequest(ILogger logger, string method, PathString path, int statusCode, double durationMs, string traceId);
}
