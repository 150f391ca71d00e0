using System.Net;
using System.Net.Http.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Rooms;

public sealed class MemberEndpointsTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    [Fact]
    public async Task Join_NewMember_Returns201WithLocation()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());
        var username = ChatClient.UniqueName("joiner");
        var user = await _client.CreateUserAsync(username);

        using var response = await factory.As(user).PostAsync($"/api/v1/rooms/{room}/members", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/rooms/{room}/members/{user}", response.Headers.Location?.OriginalString);
        var member = await response.ReadJsonAsync();
        Assert.Equal(user, member.GetProperty("userId").GetGuid());
        Assert.Equal(username, member.GetProperty("username").GetString());
        Assert.Equal(factory.Time.GetUtcNow(), member.GetProperty("joinedAt").GetDateTimeOffset());
        var fetched = await _client.GetAsync($"/api/v1/rooms/{room}/members/{user}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(username, fetched.GetProperty("username").GetString());
    }

    [Fact]
    public async Task Join_AlreadyMember_Returns409()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);

        await factory.As(user).PostAsync($"/api/v1/rooms/{room}/members", null).ExpectProblemAsync(HttpStatusCode.Conflict, "already_member");
    }

    [Fact]
    public async Task Join_UnknownRoom_Returns404()
    {
        var user = await _client.CreateUserAsync();

        await factory.As(user).PostAsync($"/api/v1/rooms/{Guid.NewGuid()}/members", null).ExpectProblemAsync(HttpStatusCode.NotFound, "room_not_found");
    }

    [Fact]
    public async Task Join_UserIdInTheBody_IsIgnoredForTheAuthenticatedUser()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());
        var joiner = await _client.CreateUserAsync();
        var someoneElse = await _client.CreateUserAsync();

        var member = await factory.As(joiner).PostAsJsonAsync($"/api/v1/rooms/{room}/members", new { userId = someoneElse }).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(joiner, member.GetProperty("userId").GetGuid());
        await _client.GetAsync($"/api/v1/rooms/{room}/members/{someoneElse}").ExpectProblemAsync(HttpStatusCode.NotFound, "member_not_found");
    }

    [Fact]
    public async Task List_PagesThroughMembersInJoinOrder()
    {
        var owner = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(owner);
        var expected = new List<Guid> { owner };
        for (var i = 0; i < 4; i++)
        {
            factory.Time.Advance(TimeSpan.FromMilliseconds(1));
            var user = await _client.CreateUserAsync();
            await factory.JoinAsync(room, user);
            expected.Add(user);
        }

        var members = await _client.ReadAllPagesAsync($"/api/v1/rooms/{room}/members", 2);

        Assert.Equal(expected, members.Select(m => m.GetProperty("userId").GetGuid()));
    }

    [Fact]
    public async Task List_UnknownRoom_Returns404()
    {
        await _client.GetAsync($"/api/v1/rooms/{Guid.NewGuid()}/members").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Leave_Member_Returns204AndRemovesMembership()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());
        var user = await _client.CreateUserAsync();
        await factory.JoinAsync(room, user);

        await factory.As(user).DeleteAsync($"/api/v1/rooms/{room}/members/{user}").ExpectAsync(HttpStatusCode.NoContent);

        await _client.GetAsync($"/api/v1/rooms/{room}/members/{user}").ExpectProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        await _client.DeleteAsync($"/api/v1/rooms/{room}/members/{user}").ExpectProblemAsync(HttpStatusCode.NotFound, "member_not_found");
        await factory.As(user).PostAsJsonAsync($"/api/v1/rooms/{room}/messages", new { content = "hi" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not_a_member");
    }

    [Fact]
    public async Task Leave_ThenJoinAgain_Returns201()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());
        var user = await _client.CreateUserAsync();
        await factory.JoinAsync(room, user);
        await _client.DeleteAsync($"/api/v1/rooms/{room}/members/{user}").ExpectAsync(HttpStatusCode.NoContent);

        await factory.JoinAsync(room, user);
    }
}
