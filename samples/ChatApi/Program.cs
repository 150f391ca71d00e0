using ChatApi.Auth;
using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Messages;
using ChatApi.Rooms;
using ChatApi.Users;
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

builder.Services.AddChatApi();
builder.Services.AddChatSqliteStorage();
builder.Services.AddChatSecurity(builder.Configuration);

var app = builder.Build();

app.UseChatApi();
app.UseAuthentication();
app.UseAuthorization();
app.MapAuthEndpoints();
app.MapUserEndpoints();
app.MapRoomEndpoints();
app.MapMemberEndpoints();
app.MapMessageEndpoints();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthResponseWriter.WriteAsync });
app.MapOpenApi();

app.Run();

/// <summary>Entry point, public so that WebApplicationFactory can host the app in tests.</summary>
public partial class Program;
