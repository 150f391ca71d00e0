using System.Net;
using System.Net.Http.Json;

namespace ChatApi.Tests.Auth;

/// <summary>The ownership rules on top of the matrix: authors edit, room owners moderate their own room.</summary>
public sealed class OwnershipTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _anonymous = factory.CreateClient();

    [Fact]
    public async Task RoomOwner_WithRoleUser_MayRenameAndDeleteTheirRoom()
    {
        var owner = await _anonymous.CreateUserAsync();
        var room = await factory.CreateRoomAsync(owner);

        await factory.As(owner).PatchJsonAsync($"/api/v1/rooms/{room}", new { description = "mine" }).ExpectAsync(HttpStatusCode.OK);
        await factory.As(owner).DeleteAsync($"/api/v1/rooms/{room}").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task RoomOwner_MayDeleteOthersMessagesInTheirRoomOnly()
    {
        var owner = await _anonymous.CreateUserAsync();
        var author = await _anonymous.CreateUserAsync();
        var room = await factory.CreateRoomAsync(owner);
        var elsewhere = await factory.CreateRoomAsync(author);
        await factory.JoinAsync(room, author);
        await factory.JoinAsync(elsewhere, owner);
        var inOwnRoom = await factory.SendAsync(room, author, "spam");
        var inOtherRoom = await factory.SendAsync(elsewhere, author, "fine");

        await factory.As(owner).DeleteAsync($"/api/v1/rooms/{room}/messages/{inOwnRoom}").ExpectAsync(HttpStatusCode.NoContent);
        await factory.As(owner).DeleteAsync($"/api/v1/rooms/{elsewhere}/messages/{inOtherRoom}").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task RoomOwner_MayRemoveMembers_OthersMayNot()
    {
        var owner = await _anonymous.CreateUserAsync();
        var member = await _anonymous.CreateUserAsync();
        var bystander = await _anonymous.CreateUserAsync();
        var room = await factory.CreateRoomAsync(owner);
        await factory.JoinAsync(room, member);
        await factory.JoinAsync(room, bystander);

        await factory.As(bystander).DeleteAsync($"/api/v1/rooms/{room}/members/{member}").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await factory.As(owner).DeleteAsync($"/api/v1/rooms/{room}/members/{member}").ExpectAsync(HttpStatusCode.NoContent);
        await factory.As(bystander).DeleteAsync($"/api/v1/rooms/{room}/members/{bystander}").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task NonOwner_WithRoleUser_MayNotRenameOrDeleteARoom()
    {
        var owner = await _anonymous.CreateUserAsync();
        var other = await _anonymous.CreateUserAsync();
        var room = await factory.CreateRoomAsync(owner);

        await factory.As(other).PatchJsonAsync($"/api/v1/rooms/{room}", new { name = "hijacked" }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await factory.As(other).DeleteAsync($"/api/v1/rooms/{room}").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var stored = await factory.As(owner).GetAsync($"/api/v1/rooms/{room}").ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual("hijacked", stored.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("Admin")]
    [InlineData("Moderator")]
    [InlineData("User")]
    public async Task OnlyTheAuthor_EditsAMessage_EvenAgainstAdmins(string role)
    {
        var author = await _anonymous.CreateUserAsync();
        var room = await factory.CreateRoomAsync(author);
        var message = await factory.SendAsync(room, author, "my words");
        var other = await factory.RegisterAsync(role);
        await factory.JoinAsync(room, other.Id);

        await factory.As(other.Id).PatchJsonAsync($"/api/v1/rooms/{room}/messages/{message}", new { content = "your words" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "not_the_author");
        var stored = await factory.As(author).GetAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("my words", stored.GetProperty("content").GetString());
    }

    [Fact]
    public async Task ApiKey_ActsAsItsOwnerWithTheOwnersRole()
    {
        var owner = await factory.RegisterAsync();
        var key = (await factory.As(owner.Id).PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "bot" }).ExpectAsync(HttpStatusCode.Created))
            .GetProperty("key").GetString();
        using var bot = factory.CreateClient();
        bot.DefaultRequestHeaders.Add("X-API-Key", key);

        var room = await bot.PostAsJsonAsync("/api/v1/rooms", new { name = ChatClient.UniqueName("bots") }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(owner.Id, room.GetProperty("createdBy").GetGuid());

        using var admin = factory.CreateAdminClient();
        await admin.PutAsJsonAsync($"/api/v1/users/{owner.Id}/role", new { role = "Guest" }).ExpectAsync(HttpStatusCode.OK);
        await bot.PostAsJsonAsync("/api/v1/rooms", new { name = ChatClient.UniqueName("bots") }).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SetRole_UnknownRole_Returns400()
    {
        var user = await _anonymous.CreateUserAsync();
        using var admin = factory.CreateAdminClient();

        await admin.PutAsJsonAsync($"/api/v1/users/{user}/role", new { role = "Overlord" }).ExpectValidationProblemAsync("role");
        await admin.PutAsJsonAsync($"/api/v1/users/{Guid.NewGuid()}/role", new { role = "Guest" }).ExpectProblemAsync(HttpStatusCode.NotFound, "user_not_found");
    }

    [Fact]
    public async Task Register_ConfiguredAdminUsername_BecomesAdmin()
    {
        using var configured = new ChatApiFactory { Settings = new Dictionary<string, string?> { ["ChatApi:AdminUsernames:0"] = "root" } };
        using var anonymous = configured.CreateClient();
        var root = await anonymous.RegisterAsync("Root");
        var plain = await anonymous.RegisterAsync();

        Assert.Equal("Admin", (await anonymous.LoginAsync(root.Username)).GetProperty("role").GetString());
        Assert.Equal("User", (await anonymous.LoginAsync(plain.Username)).GetProperty("role").GetString());
    }
}
