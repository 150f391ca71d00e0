using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Rooms;

public sealed class RoomEndpointsTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    [Fact]
    public async Task Create_ValidRoom_Returns201AndMakesCreatorAMember()
    {
        var creator = await _client.CreateUserAsync();
        var name = ChatClient.UniqueName("general");

        using var response = await factory.As(creator).PostAsJsonAsync("/api/v1/rooms", new { name, description = "Everything" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var room = await response.ReadJsonAsync();
        var id = room.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/rooms/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(name, room.GetProperty("name").GetString());
        Assert.Equal("Everything", room.GetProperty("description").GetString());
        Assert.Equal(creator, room.GetProperty("createdBy").GetGuid());
        var members = await _client.GetAsync($"/api/v1/rooms/{id}/members").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(creator, Assert.Single(members.GetProperty("items").EnumerateArray()).GetProperty("userId").GetGuid());
    }

    [Fact]
    public async Task Create_DuplicateName_Returns409()
    {
        var creator = await _client.CreateUserAsync();
        var name = ChatClient.UniqueName("dup");
        await factory.CreateRoomAsync(creator, name);

        await factory.As(creator).PostAsJsonAsync("/api/v1/rooms", new { name = name.ToUpperInvariant() })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "room_name_taken");
    }

    [Fact]
    public async Task Create_CreatedByInTheBody_IsIgnoredForTheAuthenticatedUser()
    {
        var creator = await _client.CreateUserAsync();
        var someoneElse = await _client.CreateUserAsync();

        var room = await factory.As(creator).PostAsJsonAsync("/api/v1/rooms", new { name = ChatClient.UniqueName("r"), createdBy = someoneElse })
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(creator, room.GetProperty("createdBy").GetGuid());
    }

    [Theory]
    [InlineData("{}", new[] { "name" })]
    [InlineData("""{"name":""}""", new[] { "name" })]
    [InlineData("""{"name":"   "}""", new[] { "name" })]
    public async Task Create_InvalidFields_Returns400WithFieldErrors(string body, string[] fields)
    {
        await _client.PostRawAsync("/api/v1/rooms", body).ExpectValidationProblemAsync(fields);
    }

    [Fact]
    public async Task Create_TooLongNameAndDescription_Returns400()
    {
        await _client.PostAsJsonAsync("/api/v1/rooms", new { name = new string('n', 81), description = new string('d', 501) })
            .ExpectValidationProblemAsync("name", "description");
    }

    [Fact]
    public async Task Get_ExistingRoom_Returns200()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());

        var body = await _client.GetAsync($"/api/v1/rooms/{room}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(room, body.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Get_UnknownRoom_Returns404()
    {
        await _client.GetAsync($"/api/v1/rooms/{Guid.NewGuid()}").ExpectProblemAsync(HttpStatusCode.NotFound, "room_not_found");
    }

    [Fact]
    public async Task List_PagesThroughRooms()
    {
        var creator = await _client.CreateUserAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            factory.Time.Advance(TimeSpan.FromMilliseconds(1));
            created.Add(await factory.CreateRoomAsync(creator));
        }

        var rooms = await _client.ReadAllPagesAsync("/api/v1/rooms", 2);
        var ids = rooms.Select(r => r.GetProperty("id").GetGuid()).ToList();

        Assert.Equal(created, ids.Where(created.Contains));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Patch_RenamesAndClearsDescription()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());
        var name = ChatClient.UniqueName("renamed");

        var body = await _client.PatchJsonAsync($"/api/v1/rooms/{room}", new { name, description = "" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("description").ValueKind);
        var stored = await _client.GetAsync($"/api/v1/rooms/{room}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(name, stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Patch_NameOfAnotherRoom_Returns409()
    {
        var creator = await _client.CreateUserAsync();
        var taken = ChatClient.UniqueName("taken");
        await factory.CreateRoomAsync(creator, taken);
        var room = await factory.CreateRoomAsync(creator);

        await _client.PatchJsonAsync($"/api/v1/rooms/{room}", new { name = taken }).ExpectProblemAsync(HttpStatusCode.Conflict, "room_name_taken");
    }

    [Fact]
    public async Task Patch_BlankName_Returns400()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());

        await _client.PatchJsonAsync($"/api/v1/rooms/{room}", new { name = " " }).ExpectValidationProblemAsync("name");
    }

    [Fact]
    public async Task Patch_UnknownRoom_Returns404()
    {
        await _client.PatchJsonAsync($"/api/v1/rooms/{Guid.NewGuid()}", new { name = "x" }).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_RemovesRoomWithMembersAndMessages()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var message = await factory.SendAsync(room, user, "bye");

        await _client.DeleteAsync($"/api/v1/rooms/{room}").ExpectAsync(HttpStatusCode.NoContent);

        await _client.GetAsync($"/api/v1/rooms/{room}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await _client.GetAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectProblemAsync(HttpStatusCode.NotFound);
        var rooms = await _client.GetAsync($"/api/v1/users/{user}/rooms").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(rooms.GetProperty("items").EnumerateArray());
        await _client.DeleteAsync($"/api/v1/rooms/{room}").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_IsNotSupported_Returns405Problem()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());

        await _client.PutAsJsonAsync($"/api/v1/rooms/{room}", new { name = "x" }).ExpectProblemAsync(HttpStatusCode.MethodNotAllowed);
    }
}
