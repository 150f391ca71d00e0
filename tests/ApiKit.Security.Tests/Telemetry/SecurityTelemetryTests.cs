using System.Collections.Concurrent;
using System.Diagnostics;
using ApiKit.Security.Mfa;
using ApiKit.Security.Passwords;
using ApiKit.Security.Telemetry;
using ApiKit.Testing;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Telemetry;

/// <summary>The credential features trace through the one <c>ApiKit.Security</c> activity source.</summary>
public sealed class SecurityTelemetryTests
{
    [Fact]
    public async Task PasswordHasher_HashAndVerify_StartActivitiesTaggedWithTheResult()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = Listen(stopped);
        using var hasher = new Argon2idPasswordHasher(Options.Create(new Argon2idOptions { MemoryKiB = Argon2idDefaults.MinMemoryKiB, Iterations = 1 }));

        var stored = await hasher.HashAsync("telemetry-password");
        hasher.Verify("not-the-password", stored);
        await hasher.VerifyAsync("telemetry-password", "not-a-phc-string");

        Assert.Contains(stopped, a => a.OperationName == SecurityTelemetry.PasswordHashActivity && (string?)a.GetTagItem("apikit.result") == "success");
        Assert.Contains(stopped, a => a.OperationName == SecurityTelemetry.PasswordVerifyActivity && (string?)a.GetTagItem("apikit.result") == "failed");
        Assert.Contains(stopped, a => a.OperationName == SecurityTelemetry.PasswordVerifyActivity && (string?)a.GetTagItem("apikit.result") == "rejected");
        Assert.DoesNotContain(stopped, a => a.TagObjects.Any(t => t.Value is string value && value.Contains("telemetry-password", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BackupCodeManager_InvalidCode_StartsMfaActivityWithMethodAndResult()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = Listen(stopped);
        var guard = new InMemoryMfaAttemptGuard(Options.Create(new MfaLockoutOptions()), new ManualTimeProvider());
        var codes = new BackupCodeManager(Options.Create(new BackupCodeOptions()), new InMemoryBackupCodeStore(), guard);

        await codes.RedeemAsync("telemetry-user", "2222-3333-4444");

        var activity = Assert.Single(stopped, a => a.OperationName == SecurityTelemetry.MfaVerifyActivity && (string?)a.GetTagItem("apikit.mfa.method") == "backup_code");
        Assert.Equal("invalid", activity.GetTagItem("apikit.result"));
    }

    private static ActivityListener Listen(ConcurrentBag<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SecurityTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
