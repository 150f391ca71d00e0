using System.Text;
using ApiKit.Testing;

namespace ApiKit.Webhooks.Tests.Receiving;

public sealed class WebhookVerifierTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":\"a\"}");

    [Fact]
    public void Verify_SignedNow_IsValid()
    {
        var (verifier, secret, time) = Create();
        var ts = time.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(WebhookVerificationStatus.Valid, verifier.Verify("msg_1", ts.ToString(), WebhookSigner.Sign(secret, "msg_1", ts, Body), Body));
    }

    [Theory]
    [InlineData(-301, WebhookVerificationStatus.TimestampOutsideTolerance)]
    [InlineData(-300, WebhookVerificationStatus.Valid)]
    [InlineData(300, WebhookVerificationStatus.Valid)]
    [InlineData(301, WebhookVerificationStatus.TimestampOutsideTolerance)]
    public void Verify_TimestampSkew_ToleranceBothDirections(int skewSeconds, WebhookVerificationStatus expected)
    {
        var (verifier, secret, time) = Create();
        var ts = time.GetUtcNow().ToUnixTimeSeconds() + skewSeconds;

        Assert.Equal(expected, verifier.Verify("msg_1", ts.ToString(), WebhookSigner.Sign(secret, "msg_1", ts, Body), Body));
    }

    [Theory]
    [InlineData("", "1", "v1,x", WebhookVerificationStatus.MissingHeaders)]
    [InlineData("msg", "", "v1,x", WebhookVerificationStatus.MissingHeaders)]
    [InlineData("msg", "1", "", WebhookVerificationStatus.MissingHeaders)]
    [InlineData("msg", "12a", "v1,x", WebhookVerificationStatus.MalformedTimestamp)]
    [InlineData("msg", "-5", "v1,x", WebhookVerificationStatus.MalformedTimestamp)]
    public void Verify_MalformedHeaders_Refused(string id, string ts, string signature, WebhookVerificationStatus expected)
    {
        var (verifier, _, _) = Create();

        Assert.Equal(expected, verifier.Verify(id, ts, signature, Body));
    }

    [Fact]
    public void Verify_RotatedSecrets_AcceptsEither()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var old = WebhookSecret.Generate();
        var @new = WebhookSecret.Generate();
        var options = new WebhookReceiverOptions();
        options.Secrets.Add(old.ToString());
        options.Secrets.Add(@new.ToString());
        var verifier = new WebhookVerifier(options, time);
        var ts = time.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(WebhookVerificationStatus.Valid, verifier.Verify("m", ts.ToString(), WebhookSigner.Sign(old, "m", ts, Body), Body));
        Assert.Equal(WebhookVerificationStatus.Valid, verifier.Verify("m", ts.ToString(), WebhookSigner.Sign(@new, "m", ts, Body), Body));
        Assert.Equal(WebhookVerificationStatus.InvalidSignature, verifier.Verify("m", ts.ToString(), WebhookSigner.Sign(WebhookSecret.Generate(), "m", ts, Body), Body));
    }

    [Fact]
    public void Verify_NoSecret_Refused()
    {
        var verifier = new WebhookVerifier(new WebhookReceiverOptions(), new ManualTimeProvider());

        Assert.Equal(WebhookVerificationStatus.NoSecret, verifier.Verify("m", "1", "v1,x", Body));
    }

    private static (WebhookVerifier Verifier, WebhookSecret Secret, ManualTimeProvider Time) Create()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var secret = WebhookSecret.Generate();
        var options = new WebhookReceiverOptions();
        options.Secrets.Add(secret.ToString());
        return (new WebhookVerifier(options, time), secret, time);
    }
}
