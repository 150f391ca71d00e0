using ApiKit.Security.ApiKeys;
using ApiKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.ApiKeys;

public sealed class ApiKeyManagerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryApiKeyStore _store = new();

    private ApiKeyManager Create(Action<ApiKeyOptions>? configure = null)
    {
        var options = new ApiKeyOptions();
        configure?.Invoke(options);
        return new ApiKeyManager(Options.Create(options), _store, _time);
    }

    [Fact]
    public async Task CreateAsync_ThenValidate_ReturnsRecordWithOwnerAndScopes()
    {
        var manager = Create();
        var created = await manager.CreateAsync("bot-7", ["messages:read", "messages:write", "messages:read"], name: "CI bot");
        var result = await manager.ValidateAsync(created.Key);

        Assert.Equal(ApiKeyValidationStatus.Valid, result.Status);
        Assert.Equal("bot-7", result.Record!.OwnerId);
        Assert.Equal(["messages:read", "messages:write"], result.Record.Scopes);
        Assert.Equal(_time.GetUtcNow() + ApiKeyDefaults.Lifetime, result.Record.ExpiresAt);
    }

    [Fact]
    public async Task CreateAsync_StoresOnlyTheHash()
    {
        var created = await Create().CreateAsync("owner", []);
        var stored = await _store.FindAsync(created.Record.KeyId, default);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(created.Key)), stored!.KeyHash);
        Assert.DoesNotContain(created.Key[^38..], stored.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(created.Key[^38..], created.ToString(), StringComparison.Ordinal);
        Assert.Contains(created.Record.KeyId, created.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_WellFormedButUnknown_IsUnknown()
    {
        var manager = Create();
        var (key, _) = ApiKeyFormat.Generate(ApiKeyDefaults.Prefix);
        Assert.Equal(ApiKeyValidationStatus.Unknown, (await manager.ValidateAsync(key)).Status);
    }

    [Fact]
    public async Task ValidateAsync_KnownIdWrongSecret_IsUnknown()
    {
        var manager = Create();
        var created = await manager.CreateAsync("owner", []);
        var (other, _) = ApiKeyFormat.Generate(ApiKeyDefaults.Prefix);
        await _store.UpdateAsync(created.Record with { KeyHash = ApiKit.Security.ApiKeys.ApiKeyFormat.Hash(other) }, default);
        Assert.Equal(ApiKeyValidationStatus.Unknown, (await manager.ValidateAsync(created.Key)).Status);
    }

    [Fact]
    public async Task ValidateAsync_OtherPrefix_IsMalformed()
    {
        var created = await Create(o => o.Prefix = "chat").CreateAsync("owner", []);
        Assert.StartsWith("chat_", created.Key, StringComparison.Ordinal);
        Assert.Equal(ApiKeyValidationStatus.Malformed, (await Create().ValidateAsync(created.Key)).Status);
    }

    [Fact]
    public async Task RevokeAsync_KeyStopsWorkingAtOnce()
    {
        var manager = Create();
        var created = await manager.CreateAsync("owner", []);
        Assert.True(await manager.RevokeAsync(created.Record.KeyId));
        Assert.Equal(ApiKeyValidationStatus.Revoked, (await manager.ValidateAsync(created.Key)).Status);
        Assert.False(await manager.RevokeAsync("nonexistent"));
    }

    [Fact]
    public async Task ValidateAsync_AfterLifetime_IsExpired()
    {
        var manager = Create();
        var created = await manager.CreateAsync("owner", [], lifetime: TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(ApiKeyValidationStatus.Valid, (await manager.ValidateAsync(created.Key)).Status);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ApiKeyValidationStatus.Expired, (await manager.ValidateAsync(created.Key)).Status);
    }

    [Fact]
    public async Task CreateAsync_NoDefaultLifetime_NeverExpires()
    {
        var manager = Create(o => o.DefaultLifetime = null);
        var created = await manager.CreateAsync("owner", []);
        _time.Advance(TimeSpan.FromDays(3650));
        Assert.Null(created.Record.ExpiresAt);
        Assert.Equal(ApiKeyValidationStatus.Valid, (await manager.ValidateAsync(created.Key)).Status);
    }

    [Fact]
    public async Task RotateAsync_BothKeysWorkDuringOverlapThenOnlyTheNewOne()
    {
        var manager = Create();
        var old = await manager.CreateAsync("bot", ["messages:write"], TimeSpan.FromDays(30), "bot key");
        _time.Advance(TimeSpan.FromDays(10));

        var replacement = await manager.RotateAsync(old.Record.KeyId, TimeSpan.FromHours(24));

        Assert.Equal(["messages:write"], replacement.Record.Scopes);
        Assert.Equal(("bot", "bot key"), (replacement.Record.OwnerId, replacement.Record.Name));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromDays(30), replacement.Record.ExpiresAt);
        Assert.Equal(ApiKeyValidationStatus.Valid, (await manager.ValidateAsync(old.Key)).Status);
        Assert.Equal(ApiKeyValidationStatus.Valid, (await manager.ValidateAsync(replacement.Key)).Status);

        _time.Advance(TimeSpan.FromHours(24));
        Assert.Equal(ApiKeyValidationStatus.Expired, (await manager.ValidateAsync(old.Key)).Status);
        Assert.Equal(ApiKeyValidationStatus.Valid, (await manager.ValidateAsync(replacement.Key)).Status);
        Assert.Equal(2, (await manager.ListAsync("bot")).Count);
    }

    [Fact]
    public async Task RotateAsync_OverlapBeyondOldExpiry_KeepsOldExpiry()
    {
        var manager = Create(o => o.DefaultLifetime = null);
        var old = await manager.CreateAsync("bot", [], TimeSpan.FromHours(2));
        await manager.RotateAsync(old.Record.KeyId, TimeSpan.FromDays(7));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(2), (await _store.FindAsync(old.Record.KeyId, default))!.ExpiresAt);
    }

    [Fact]
    public async Task RotateAsync_RevokedOrMissing_Throws()
    {
        var manager = Create();
        var created = await manager.CreateAsync("owner", []);
        await manager.RevokeAsync(created.Record.KeyId);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await manager.RotateAsync(created.Record.KeyId, TimeSpan.FromHours(1)));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await manager.RotateAsync("missing", TimeSpan.FromHours(1)));
    }

    [Fact]
    public void AddApiKeys_InvalidPrefix_FailsValidation()
    {
        using var provider = new ServiceCollection().AddApiKeys(o => o.Prefix = "Bad_Prefix").AddInMemoryApiKeyStore().BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ApiKeyManager>());
        Assert.Contains("Prefix", error.Message, StringComparison.Ordinal);
    }
}
