using ApiKit.Security.Tokens;
using ApiKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Tokens;

public sealed class RefreshTokenServiceTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryRefreshTokenStore _store = new();
    private readonly RefreshTokenService _service;

    public RefreshTokenServiceTests() =>
        _service = new RefreshTokenService(_store, Options.Create(new RefreshTokenOptions { Lifetime = TimeSpan.FromDays(1), FamilyLifetime = TimeSpan.FromDays(3) }), _time, NullLogger<RefreshTokenService>.Instance);

    [Fact]
    public async Task IssueAsync_NewToken_IsOpaqueAndStoredOnlyAsHash()
    {
        var issued = await _service.IssueAsync("user-1");

        Assert.True(issued.Succeeded);
        Assert.Equal(43, issued.Token!.Length);
        var record = await _store.FindAsync(RefreshTokenService.Hash(issued.Token)!);
        Assert.NotNull(record);
        Assert.NotEqual(issued.Token, record.TokenHash);
        Assert.Null(await _store.FindAsync(issued.Token));
        Assert.NotEqual(issued.Token, (await _service.IssueAsync("user-1")).Token);
    }

    [Fact]
    public async Task RotateAsync_ValidToken_ReturnsSuccessorInSameFamily()
    {
        var issued = await _service.IssueAsync("user-1");

        var rotated = await _service.RotateAsync(issued.Token!);

        Assert.Equal(RefreshTokenStatus.Success, rotated.Status);
        Assert.Equal("user-1", rotated.Subject);
        Assert.Equal(issued.FamilyId, rotated.FamilyId);
        Assert.NotEqual(issued.Token, rotated.Token);
        Assert.True((await _service.RotateAsync(rotated.Token!)).Succeeded);
    }

    [Fact]
    public async Task RotateAsync_ReusedToken_RevokesWholeFamily()
    {
        var first = await _service.IssueAsync("user-1");
        var second = await _service.RotateAsync(first.Token!);
        var third = await _service.RotateAsync(second.Token!);

        var replay = await _service.RotateAsync(first.Token!);

        Assert.Equal(RefreshTokenStatus.Reused, replay.Status);
        Assert.Equal(RefreshTokenStatus.Revoked, (await _service.RotateAsync(third.Token!)).Status);
        Assert.Equal(RefreshTokenStatus.Revoked, (await _service.RotateAsync(second.Token!)).Status);
    }

    [Fact]
    public async Task RotateAsync_ConcurrentUsesOfOneToken_AtMostOneSucceedsAndTheFamilyEndsRevoked()
    {
        var issued = await _service.IssueAsync("user-1");

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await _service.RotateAsync(issued.Token!))));

        // One caller consumes the token; the others see a reuse, which revokes the whole family. The winner's new token
        // is revoked with it: refused as it is added (the winner gets Revoked, so nobody succeeds) or revoked right
        // after (the winner succeeds, with a token that no longer rotates), depending on which came first.
        Assert.InRange(results.Count(r => r.Succeeded), 0, 1);
        Assert.Contains(results, r => r.Status == RefreshTokenStatus.Reused);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.True(r.Status is RefreshTokenStatus.Reused or RefreshTokenStatus.Revoked));
        if (results.SingleOrDefault(r => r.Succeeded) is { } winner)
        {
            Assert.Equal(RefreshTokenStatus.Revoked, (await _service.RotateAsync(winner.Token!)).Status);
        }
    }

    [Fact]
    public async Task RotateAsync_AfterLifetime_IsExpired()
    {
        var issued = await _service.IssueAsync("user-1");

        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(RefreshTokenStatus.Expired, (await _service.RotateAsync(issued.Token!)).Status);
    }

    [Fact]
    public async Task RotateAsync_RotationNeverExtendsFamilyLifetime()
    {
        var token = (await _service.IssueAsync("user-1")).Token!;
        for (var day = 0; day < 2; day++)
        {
            _time.Advance(TimeSpan.FromHours(23));
            var rotated = await _service.RotateAsync(token);
            Assert.True(rotated.Succeeded);
            token = rotated.Token!;
        }

        _time.Advance(TimeSpan.FromHours(23));
        var last = await _service.RotateAsync(token);
        Assert.True(last.Succeeded);
        Assert.Equal(ManualTimeProvider.DefaultStart.AddDays(3), last.ExpiresAt);

        _time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(RefreshTokenStatus.Expired, (await _service.RotateAsync(last.Token!)).Status);
    }

    [Fact]
    public async Task RevokeAsync_Logout_RevokesFamily()
    {
        var issued = await _service.IssueAsync("user-1");
        var rotated = await _service.RotateAsync(issued.Token!);

        Assert.True(await _service.RevokeAsync(rotated.Token!));

        Assert.Equal(RefreshTokenStatus.Revoked, (await _service.RotateAsync(rotated.Token!)).Status);
        Assert.False(await _service.RevokeAsync("not-a-token"));
    }

    [Fact]
    public async Task RevokeAllAsync_Subject_RevokesEveryFamilyOfThatSubjectOnly()
    {
        var laptop = await _service.IssueAsync("user-1");
        var phone = await _service.IssueAsync("user-1");
        var other = await _service.IssueAsync("user-2");

        Assert.Equal(2, await _service.RevokeAllAsync("user-1"));

        Assert.Equal(RefreshTokenStatus.Revoked, (await _service.RotateAsync(laptop.Token!)).Status);
        Assert.Equal(RefreshTokenStatus.Revoked, (await _service.RotateAsync(phone.Token!)).Status);
        Assert.True((await _service.RotateAsync(other.Token!)).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    public async Task RotateAsync_UnknownOrMalformedToken_IsInvalid(string token) =>
        Assert.Equal(RefreshTokenStatus.Invalid, (await _service.RotateAsync(token)).Status);

    [Fact]
    public async Task AddApiKitRefreshTokens_Resolves_WithInMemoryStore()
    {
        var services = new ServiceCollection().AddLogging().AddApiKitRefreshTokens(o => o.Lifetime = TimeSpan.FromHours(1));
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryRefreshTokenStore>(provider.GetRequiredService<IRefreshTokenStore>());
        var issued = await provider.GetRequiredService<IRefreshTokenService>().IssueAsync("user-1");
        Assert.True(issued.Succeeded);
    }
}
