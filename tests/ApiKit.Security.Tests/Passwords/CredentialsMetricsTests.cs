using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ApiKit.Security.ApiKeys;
using ApiKit.Security.Mfa;
using ApiKit.Security.Passwords;
using ApiKit.Testing;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Passwords;

/// <summary>The credential features report through the <c>ApiKit.Security</c> meter.</summary>
public sealed class CredentialsMetricsTests
{
    [Fact]
    public async Task Operations_AreRecordedWithTheirOutcome()
    {
        var seen = new ConcurrentBag<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ApiKit.Security" && instrument.Name.StartsWith("apikit.security.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (value > 0)
            {
                seen.Add(instrument.Name + ":" + string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")));
            }
        });
        listener.Start();

        using var hasher = new Argon2idPasswordHasher(Options.Create(new Argon2idOptions { MemoryKiB = Argon2idDefaults.MinMemoryKiB, Iterations = 1 }));
        var stored = await hasher.HashAsync("metrics");
        await hasher.VerifyAsync("wrong", stored);
        await hasher.VerifyAsync("metrics", "garbage");

        var time = new ManualTimeProvider();
        var keys = new ApiKeyManager(Options.Create(new ApiKeyOptions()), new InMemoryApiKeyStore(), time);
        await keys.ValidateAsync("apk_nonsense");

        var guard = new InMemoryMfaAttemptGuard(Options.Create(new MfaLockoutOptions()), time);
        var codes = new BackupCodeManager(Options.Create(new BackupCodeOptions()), new InMemoryBackupCodeStore(), guard);
        await codes.RedeemAsync("metrics-user", "2222-3333-4444");

        Assert.Contains("apikit.security.password.operations:operation=hash,result=success", seen);
        Assert.Contains("apikit.security.password.operations:operation=verify,result=failed", seen);
        Assert.Contains("apikit.security.password.operations:operation=verify,result=rejected", seen);
        Assert.Contains(seen, s => s.StartsWith("apikit.security.password.queued:", StringComparison.Ordinal));
        Assert.Contains("apikit.security.apikey.validations:status=malformed", seen);
        Assert.Contains("apikit.security.mfa.attempts:method=backup_code,result=invalid", seen);
    }
}
