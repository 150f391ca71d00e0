using System.Text.Json;
using ApiKit.Security.Authorization;
using ChatApi.Auth;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatApi.Infrastructure;

/// <summary>
/// Writes a health report as <c>{ "status": ..., "checks": { name: { status, description, data } } }</c>; <c>data</c> is
/// what the check reports besides (for the circuit breakers: each breaker's name and state).
/// </summary>
/// <remarks>
/// The health endpoints are anonymous so that load balancers can probe them, but the breakers' names are the webhook
/// endpoint ids and the subscribers' hosts, which only Admins may see (webhooks are Admin-only). Everyone else gets
/// the statuses and descriptions (counts), and <c>data</c> only when a caller authenticated as an Admin asks.
/// </remarks>
internal static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var details = context.User.HasClaim(PermissionMatrixDefaults.RoleClaimType, ChatRoles.Admin);
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString(),
                    description = entry.Value.Description,
                    data = details ? entry.Value.Data : null,
                }),
        };
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
