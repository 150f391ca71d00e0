using System.Net;
using System.Text;
using ApiKit.Testing;

namespace ChatApi.Tests.Infrastructure;

/// <summary>On a real Kestrel socket, where the server itself enforces the body limit for chunked uploads.</summary>
public sealed class KestrelBodyLimitTests : IDisposable
{
    private readonly ChatApiFactory _factory = new();

    public KestrelBodyLimitTests()
    {
        // Port 0 on loopback: the OS picks a free port, so there is no race with other processes for it.
        _factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
    }

    [Fact]
    public async Task ChunkedOversizedBody_Returns413Problem()
    {
        using var client = _factory.CreateClient();
        var json = $$"""{"username":"chunky","email":"c@example.com","displayName":"{{new string('x', 200 * 1024)}}"}""";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/register") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await client.SendAsync(request).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task DeclaredOversizedBody_Returns413Problem()
    {
        using var client = _factory.CreateClient();
        Assert.Equal("127.0.0.1", client.BaseAddress!.Host);
        Assert.True(FreePort.IsListening(client.BaseAddress.Port), "The client must talk to a real Kestrel socket.");
        var json = $$"""{"username":"big","email":"b@example.com","displayName":"{{new string('x', 100 * 1024)}}"}""";

        await client.PostRawAsync("/api/v1/auth/register", json).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    public void Dispose() => _factory.Dispose();
}
