using System.Net;
using System.Text;
using System.Text.Json;
using ApiKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Webhooks.Tests.Receiving;

public sealed class WebhookSignatureFilterTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly WebhookSecret _secret = WebhookSecret.Generate();
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private int _handled;
    private int _thrown;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddWebhookReceiver(o =>
        {
            o.Secrets.Add(_secret.ToString());
            o.MaxBodyBytes = 64;
        });
        builder.Services.AddWebhookReceiver("x", o =>
        {
            o.Secrets.Add(_secret.ToString());
            o.HeaderStyle = WebhookHeaderStyle.XWebhook;
        });
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync();
            Interlocked.Increment(ref _handled);
            return Results.Text(text);
        }).RequireWebhookSignature();
        _app.MapPost("/x", () => Results.Ok()).RequireWebhookSignature("x");
        _app.MapPost("/throws", IResult () =>
        {
            Interlocked.Increment(ref _thrown);
            throw new InvalidOperationException("boom");
        }).RequireWebhookSignature();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Invoke_ValidSignature_HandlerSeesBody()
    {
        using var response = await _client.SendAsync(Signed("/hook", "msg_a", "{\"a\":1}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"a\":1}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invoke_SameIdTwice_SecondIs409()
    {
        using var first = await _client.SendAsync(Signed("/hook", "msg_dup", "{}"));
        using var second = await _client.SendAsync(Signed("/hook", "msg_dup", "{}"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertProblemAsync(second, HttpStatusCode.Conflict);
        Assert.Equal(1, _handled);
    }

    [Fact]
    public async Task Invoke_TamperedBody_Is401Problem()
    {
        var request = Signed("/hook", "msg_t", "{\"a\":1}");
        request.Content = new StringContent("{\"a\":2}", Encoding.UTF8, "application/json");
        using var response = await _client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, _handled);
    }

    [Fact]
    public async Task Invoke_OldTimestamp_Is401Problem()
    {
        using var request = Signed("/hook", "msg_old", "{}", _time.GetUtcNow().AddMinutes(-6));
        using var response = await _client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Invoke_MissingHeaders_Is400Problem()
    {
        using var response = await _client.PostAsync("/hook", new StringContent("{}"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Invoke_MalformedTimestamp_Is400Problem()
    {
        var request = Signed("/hook", "msg_m", "{}");
        request.Headers.Remove("webhook-timestamp");
        request.Headers.Add("webhook-timestamp", "yesterday");
        using var response = await _client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Invoke_BodyOverLimit_Is413Problem()
    {
        using var response = await _client.SendAsync(Signed("/hook", "msg_big", new string('a', 65)));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Invoke_ChunkedBodyOverLimit_Is413Problem()
    {
        var request = Signed("/hook", "msg_big2", new string('a', 200));
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string('a', 200))));
        request.Content.Headers.ContentLength = null;
        using var response = await _client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Invoke_XWebhookHeaderStyle_Accepted()
    {
        using var response = await _client.SendAsync(Signed("/x", "msg_x", "{}", headers: WebhookHeaderNames.XWebhook));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Invoke_HandlerThrows_IdNotRememberedSoRetryPasses()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _client.SendAsync(Signed("/throws", "msg_retry", "{}")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _client.SendAsync(Signed("/throws", "msg_retry", "{}")));

        Assert.Equal(2, _thrown);
    }

    [Fact]
    public async Task Invoke_RandomGarbageHeaders_NeverServerError()
    {
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hook") { Content = new StringContent("{}") };
            request.Headers.TryAddWithoutValidation("webhook-id", RandomText(random));
            request.Headers.TryAddWithoutValidation("webhook-timestamp", RandomText(random));
            request.Headers.TryAddWithoutValidation("webhook-signature", "v1," + RandomText(random));
            using var response = await _client.SendAsync(request);

            Assert.InRange((int)response.StatusCode, 400, 499);
        }
    }

    private static string RandomText(Random random)
    {
        const string chars = "abcXYZ019+/=,. -v";
        return new string([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => chars[random.Next(chars.Length)])]);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)status, document.RootElement.GetProperty("status").GetInt32());
    }

    private HttpRequestMessage Signed(string path, string id, string body, DateTimeOffset? at = null, WebhookHeaderNames? headers = null)
    {
        headers ??= WebhookHeaderNames.Standard;
        var ts = (at ?? _time.GetUtcNow()).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(headers.Id, id);
        request.Headers.Add(headers.Timestamp, ts.ToString());
        request.Headers.Add(headers.Signature, WebhookSigner.Sign(_secret, id, ts, Encoding.UTF8.GetBytes(body)));
        return request;
    }
}
