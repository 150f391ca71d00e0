using System.Net;
using ChatApi.Infrastructure;
using ChatApi.Tests.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ChatApi.Tests.Infrastructure;

public sealed class RequestLoggingTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    [Fact]
    public async Task EveryRequest_LogsOneStructuredLineWithTheTraceIdOfItsProblem()
    {
        var client = factory.CreateAdminClient();
        var id = Guid.NewGuid();

        var problem = await client.GetAsync($"/api/v1/users/{id}").ExpectProblemAsync(HttpStatusCode.NotFound);

        // The problem's traceId is the W3C traceparent (00-<trace id>-<span id>-<flags>); the log carries the trace id.
        var traceId = problem.GetProperty("traceId").GetString()!.Split('-')[1];
        // The versioning path-prefix rule removes the version segment before any middleware runs, so the log shows
        // the path the endpoint was matched on; ApiKit.Versioning keeps the original path internal (a reported gap).
        var line = Assert.Single(factory.Logs.Entries, e =>
            e.Category == typeof(RequestLoggingMiddleware).FullName && Equals(e.Properties.GetValueOrDefault("Path")?.ToString(), $"/api/users/{id}"));
        Assert.Equal("GET", line.Properties["Method"]);
        Assert.Equal(404, line.Properties["StatusCode"]);
        Assert.Equal(traceId, line.Properties["TraceId"]);
        Assert.IsType<double>(line.Properties["DurationMs"]);
    }

    [Fact]
    public void ConsoleLogs_AreJsonWithScopes()
    {
        var console = factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var json = factory.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName);
        Assert.True(json.IncludeScopes);
        Assert.True(json.UseUtcTimestamp);
    }
}
