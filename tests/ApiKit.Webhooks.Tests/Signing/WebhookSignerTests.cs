using System.Text;
using System.Text.Json;

namespace ApiKit.Webhooks.Tests.Signing;

public sealed class WebhookSignerTests
{
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void Sign_StandardWebhooksExample_ReproducesPublishedSignature()
    {
        var signature = WebhookSigner.Sign(WebhookSecret.Parse(SpecSecret), SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody));

        Assert.Equal(SpecSignature, signature);
    }

    [Fact]
    public void Sign_SpanOverload_WritesSameSignature()
    {
        Span<char> destination = stackalloc char[WebhookSigner.SignatureLength];
        var written = WebhookSigner.Sign(WebhookSecret.Parse(SpecSecret).Key, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody), destination);

        Assert.Equal(SpecSignature, destination[..written].ToString());
    }

    [Fact]
    public void Sign_ReusedHmacStatesOfOneSecret_MatchOneShotEveryTime()
    {
        var secret = WebhookSecret.Parse(SpecSecret);
        Span<char> destination = stackalloc char[WebhookSigner.SignatureLength];
        var written = WebhookSigner.Sign(secret, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody), destination);
        Assert.Equal(SpecSignature, destination[..written].ToString());

        // Many messages and ids one after another and at once on the same secret: each state is reset between uses.
        Parallel.For(0, 200, i =>
        {
            var body = Encoding.UTF8.GetBytes(new string('x', i * 37) + "é");
            var id = "msg_" + new string('i', i % 40);
            Span<char> pooled = stackalloc char[WebhookSigner.SignatureLength];
            Span<char> oneShot = stackalloc char[WebhookSigner.SignatureLength];
            var length = WebhookSigner.Sign(secret, id, SpecTimestamp + i, body, pooled);
            WebhookSigner.Sign(secret.Key, id, SpecTimestamp + i, body, oneShot);
            Assert.Equal(oneShot.ToString(), pooled[..length].ToString());
        });
    }

    [Fact]
    public void Sign_LargeBody_UsesPooledPathAndVerifies()
    {
        var body = Encoding.UTF8.GetBytes(new string('x', 100_000));
        var secret = WebhookSecret.Generate();
        var signature = WebhookSigner.Sign(secret, SpecId, SpecTimestamp, body);

        Assert.True(WebhookSigner.Verify(secret.Key, SpecId, SpecTimestamp, body, signature));
        body[^1] = (byte)'y';
        Assert.False(WebhookSigner.Verify(secret.Key, SpecId, SpecTimestamp, body, signature));
    }

    [Theory]
    [InlineData(SpecSignature, true)]
    [InlineData("v1,AAAA " + SpecSignature, true)]
    [InlineData(SpecSignature + " v1a,abc", true)]
    [InlineData("v2," + "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", false)]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", false)]
    [InlineData("v1,not base64!", false)]
    [InlineData("", false)]
    [InlineData("v1,", false)]
    public void Verify_HeaderVariants_MatchOnlyValidV1Candidates(string header, bool expected)
    {
        var valid = WebhookSigner.Verify(WebhookSecret.Parse(SpecSecret).Key, SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody), header);

        Assert.Equal(expected, valid);
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_")]
    [InlineData("whsec_AAAA")]
    [InlineData("whsec_!!!!")]
    public void TryParse_MalformedSecret_ReturnsFalse(string text) => Assert.False(WebhookSecret.TryParse(text, out _));

    [Fact]
    public void Generate_DefaultLength_RoundTripsThroughParse()
    {
        var secret = WebhookSecret.Generate();

        Assert.StartsWith("whsec_", secret.ToString(), StringComparison.Ordinal);
        Assert.Equal(32, secret.Key.Length);
        Assert.True(WebhookSecret.Parse(secret.ToString()).Key.SequenceEqual(secret.Key));
    }

    [Fact]
    public void Generate_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSecret.Generate(23));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSecret.Generate(65));
    }

    [Fact]
    public void Serialize_Envelope_HasTypeTimestampData()
    {
        var data = JsonSerializer.SerializeToElement(new { id = 7 });
        var bytes = WebhookEnvelope.Serialize("message.sent", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), data);

        using var document = JsonDocument.Parse(bytes);
        Assert.Equal("message.sent", document.RootElement.GetProperty("type").GetString());
        Assert.Equal("2026-01-02T03:04:05Z", document.RootElement.GetProperty("timestamp").GetString());
        Assert.Equal(7, document.RootElement.GetProperty("data").GetProperty("id").GetInt32());
    }

    [Fact]
    public void Sign_RandomInputs_VerifyRoundTrips()
    {
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var secret = WebhookSecret.Generate(random.Next(24, 65));
            var body = new byte[random.Next(0, 3000)];
            random.NextBytes(body);
            var id = "msg_" + random.Next();
            var ts = random.NextInt64(0, 4_000_000_000);
            var signature = WebhookSigner.Sign(secret, id, ts, body);

            Assert.True(WebhookSigner.Verify(secret.Key, id, ts, body, signature));
            Assert.False(WebhookSigner.Verify(secret.Key, id, ts + 1, body, signature));
        }
    }
}
