using System.Security.Claims;
using ApiKit.Security.Authorization;
using ApiKit.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tests.Authorization;

/// <summary>ABAC through IAuthorizationService with the resource: ownership, room moderation and time rules.</summary>
public sealed class ResourceAuthorizationTests
{
    private readonly ManualTimeProvider _time = new();

    [Theory]
    [InlineData("author", "User", Permissions.MessageUpdate, true)]
    [InlineData("stranger", "User", Permissions.MessageUpdate, false)]
    [InlineData("author", "User", Permissions.MessageDelete, false)]
    [InlineData("stranger", "Moderator", Permissions.MessageUpdate, true)]
    [InlineData("stranger", "Moderator", Permissions.MessageDelete, true)]
    [InlineData("stranger", "Admin", Permissions.MessageDelete, true)]
    [InlineData("room-owner", "User", Permissions.MessageDelete, true)]
    [InlineData("room-owner", "Guest", Permissions.MessageUpdate, true)]
    [InlineData("stranger", "Guest", Permissions.MessageRead, true)]
    [InlineData("stranger", "Guest", Permissions.MessageUpdate, false)]
    public async Task AuthorizePermissionAsync_Message_AppliesOwnershipRules(string who, string role, string permission, bool allowed)
    {
        var service = CreateService();
        var message = new Message("author", "room-owner", _time.GetUtcNow());

        var result = await service.AuthorizePermissionAsync(User(who, role), message, permission);

        Assert.Equal(allowed, result.Succeeded);
    }

    [Fact]
    public async Task AuthorizePermissionAsync_RoomOwner_ModeratesOwnRoomOnly()
    {
        var service = CreateService();
        var owner = User("owner", "User");

        Assert.True((await service.AuthorizePermissionAsync(owner, new Room("owner"), Permissions.RoomUpdate)).Succeeded);
        Assert.True((await service.AuthorizePermissionAsync(owner, new Room("owner"), Permissions.RoomDelete)).Succeeded);
        Assert.False((await service.AuthorizePermissionAsync(owner, new Room("someone"), Permissions.RoomUpdate)).Succeeded);
        Assert.False((await service.AuthorizePermissionAsync(owner, new Message("x", "someone", _time.GetUtcNow()), Permissions.MessageDelete)).Succeeded);
    }

    [Fact]
    public async Task AuthorizePermissionAsync_AuthorAfterEditWindow_IsDeniedButModeratorIsNot()
    {
        var service = CreateService(o => o.EditWindow = TimeSpan.FromMinutes(15));
        var message = new Message("author", "room-owner", _time.GetUtcNow());

        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.True((await service.AuthorizePermissionAsync(User("author", "User"), message, Permissions.MessageUpdate)).Succeeded);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await service.AuthorizePermissionAsync(User("author", "User"), message, Permissions.MessageUpdate)).Succeeded);
        Assert.True((await service.AuthorizePermissionAsync(User("mod", "Moderator"), message, Permissions.MessageUpdate)).Succeeded);
    }

    [Fact]
    public async Task AuthorizePermissionAsync_Anonymous_IsDenied()
    {
        var service = CreateService();
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity([new Claim("roles", "Admin")]));

        Assert.False((await service.AuthorizePermissionAsync(anonymous, null, Permissions.MessageRead)).Succeeded);
    }

    [Fact]
    public async Task AuthorizeAsync_TimeWindow_AllowsOnlyInsideWindow()
    {
        var service = CreateService();
        var window = new TimeWindowRequirement(new TimeOnly(8, 0), new TimeOnly(18, 0));
        var user = User("u", "User");

        Assert.False((await service.AuthorizeAsync(user, null, window)).Succeeded); // 00:00 UTC
        _time.Advance(TimeSpan.FromHours(9));
        Assert.True((await service.AuthorizeAsync(user, null, window)).Succeeded);

        var overnight = new TimeWindowRequirement(new TimeOnly(22, 0), new TimeOnly(6, 0));
        Assert.False((await service.AuthorizeAsync(user, null, overnight)).Succeeded);
        _time.Advance(TimeSpan.FromHours(14)); // 23:00
        Assert.True((await service.AuthorizeAsync(user, null, overnight)).Succeeded);
    }

    [Fact]
    public void AddApiKitPermissions_ConfigurationGrid_ReplacesMatrixAndAddsGrants()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Matrix:message:Member"] = "CR",
            ["Matrix:message:Owner"] = "CRUD",
            ["Grants:Member:0"] = "room:join",
        }).Build();
        using var provider = new ServiceCollection().AddApiKitPermissions(configuration).BuildServiceProvider();

        var matrix = provider.GetRequiredService<PermissionMatrix>();

        Assert.True(matrix.Grants("member", Permissions.MessageCreate));
        Assert.False(matrix.Grants("Member", Permissions.MessageUpdate));
        Assert.True(matrix.Grants("Member", "room:join"));
        Assert.False(matrix.Grants("Admin", Permissions.MessageRead));
    }

    [Fact]
    public void AddApiKitPermissions_InvalidLetters_FailValidation()
    {
        using var provider = new ServiceCollection().AddApiKitPermissions(o => o.Matrix["message"] = new() { ["User"] = "CRX" }).BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PermissionAuthorizationOptions>>().Value);
    }

    [Fact]
    public void PermissionRequirement_MalformedName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PermissionRequirement("message"));
        Assert.Throws<ArgumentException>(() => new PermissionRequirement("message:"));
        Assert.Throws<ArgumentException>(() => new RequirePermissionAttribute(":read"));
    }

    private IAuthorizationService CreateService(Action<PermissionAuthorizationOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddApiKitPermissions(configure);
        return services.BuildServiceProvider().GetRequiredService<IAuthorizationService>();
    }

    private static ClaimsPrincipal User(string subject, string role) =>
        new(new ClaimsIdentity([new Claim("sub", subject), new Claim("roles", role)], "test", "sub", "roles"));

    private sealed record Message(string? OwnerId, string? RoomOwnerId, DateTimeOffset CreatedAt) : IOwnedResource, IRoomScopedResource, ITimestampedResource;

    private sealed record Room(string? OwnerId) : IOwnedResource, IRoomScopedResource
    {
        public string? RoomOwnerId => OwnerId;
    }
}
