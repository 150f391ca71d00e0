using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApi.Infrastructure;

/// <summary>
/// Writes a health report as <c>{ "status": ..., "checks": { name: { status, description, data } } }</c>; <c>data</c> is
/// what the check reports besides (for the circuit breakers: each breaker's name and state).
/// </summary>
internal static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description, data = entry.Value.Data }),
        };
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
