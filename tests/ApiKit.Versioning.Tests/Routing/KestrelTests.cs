using System.Net.Sockets;
using System.Text;
using ApiKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiKit.Versioning.Tests.Routing;

/// <summary>Raw HTTP/1.1 against real Kestrel: duplicate header lines are parsed by the server, not by a client library.</summary>
public sealed class KestrelTests : IAsyncLifetime
{
    private readonly int _port = FreePort.Next();
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        builder.Services.AddApiVersioning();
        _app = builder.Build();
        _app.MapGroup("/api/users").HasApiVersion(1.0).HasApiVersion(2.0).MapGet("/", () => "ok");
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task DuplicateHeaderLines_Conflicting_Return400AmbiguousWithHeaders()
    {
        var response = await SendRawAsync("GET /api/users HTTP/1.1\r\nHost: localhost\r\nAPI-Version: 1.0\r\nAPI-Version: 2.0\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.Contains("api-supported-versions: 1.0, 2.0", response, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"code\":\"ApiVersionAmbiguous\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateHeaderLines_Equal_Return200()
    {
        var response = await SendRawAsync("GET /api/v2/users HTTP/1.1\r\nHost: localhost\r\nAPI-Version: 2\r\nAPI-Version: 2.0\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
    }

    private async Task<string> SendRawAsync(string request)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync("127.0.0.1", _port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(timeout.Token);
    }
}
