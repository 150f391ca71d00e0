using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ApiKit.Testing;
using ApiKit.Webhooks;
using BenchmarkDotNet.Attributes;

namespace ApiKit.Benchmarks.Webhooks;

/// <summary>Signing and verifying a 1 KB body; the floor is one HMAC-SHA256 over the already concatenated input.</summary>
[Config(typeof(InProcessConfig))]
public class WebhookSigningBenchmarks
{
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1_800_000_000;
    private readonly WebhookSecret _secret = WebhookSecret.Parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private byte[] _body = [];
    private byte[] _concatenated = [];
    private string _signature = string.Empty;
    private string _timestampText = string.Empty;
    private WebhookVerifier _verifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = Encoding.UTF8.GetBytes("{\"type\":\"message.sent\",\"timestamp\":\"2027-01-15T08:00:00Z\",\"data\":{\"text\":\"" + new string('x', 1024 - 78) + "\"}}");
        _concatenated = [.. Encoding.UTF8.GetBytes($"{Id}.{Timestamp}."), .. _body];
        _signature = WebhookSigner.Sign(_secret, Id, Timestamp, _body);
        _timestampText = Timestamp.ToString(CultureInfo.InvariantCulture);
        var options = new WebhookReceiverOptions();
        options.Secrets.Add(_secret.ToString());
        _verifier = new WebhookVerifier(options, new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Timestamp)));
    }

    [Benchmark(Baseline = true)]
    public byte HmacOnly()
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_secret.Key, _concatenated, mac);
        return mac[0];
    }

    [Benchmark]
    public int SignSpan()
    {
        Span<char> destination = stackalloc char[WebhookSigner.SignatureLength];
        return WebhookSigner.Sign(_secret.Key, Id, Timestamp, _body, destination);
    }

    [Benchmark]
    public bool VerifySpan() => WebhookSigner.Verify(_secret.Key, Id, Timestamp, _body, _signature);

    [Benchmark]
    public WebhookVerificationStatus VerifierWithTimestamp() => _verifier.Verify(Id, _timestampText, _signature, _body);

    [Benchmark]
    public string SignString() => WebhookSigner.Sign(_secret, Id, Timestamp, _body);
}
