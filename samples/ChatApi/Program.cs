using ChatApi.Auth;
using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Messages;
using ChatApi.Rooms;
using ChatApi.Settings;
using ChatApi.Users;
using ChatApi.Versioning;
using ChatApi.Webhooks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(options =>
{
    // Scopes carry the TraceId/SpanId and RequestId that ASP.NET Core opens for every request.
    options.IncludeScopes = true;
    options.UseUtcTimestamp = true;
    options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
});

// Kestrel writes its Server header after every middleware has run, so it is switched off at the source.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddChatApi();
builder.Services.AddChatSqliteStorage();
builder.Services.AddChatSecurity(builder.Configuration);
builder.Services.AddChatRateLimiting(builder.Configuration);
builder.Services.AddChatVersioning(builder.Configuration);
builder.Services.AddChatWebhooks(builder.Configuration);

var app = builder.Build();

app.UseApiKitSecurityHeaders();
app.UseChatApi();
app.UseAuthentication();

// After authentication, so that limits per user see the caller; before authorization, so that a flood of
// unauthenticated requests is limited by client IP too.
app.UseRateLimiter();
app.UseAuthorization();
app.UseApiVersionChanges();
app.MapGroup(string.Empty).IsApiVersionNeutral().MapAuthEndpoints();
app.MapJwks().AllowAnonymous();
var versioned = app.MapVersionedApi();
versioned.MapUserEndpoints();
versioned.MapRoomEndpoints();
versioned.MapMemberEndpoints();
versioned.MapMessageEndpoints();
versioned.MapSettingEndpoints();
versioned.MapWebhookEndpoints();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync }).AllowAnonymous().DisableRateLimiting();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthResponseWriter.WriteAsync }).AllowAnonymous().DisableRateLimiting();
app.MapOpenApi().AllowAnonymous();

app.Run();

/// <summary>Entry point, public so that WebApplicationFactory can host the app in tests.</summary>
public partial class Program;
