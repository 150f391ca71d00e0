using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChatApi.Tests.Rooms;

public sealed class RoomEndpointsTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Create_ValidRoom_Returns201AndMakesCreatorAMember()
    {
        var creator = await _client.CreateUserAsync();
        var name = ChatClient.UniqueName("general");

        using var response = await _client.PostAsJsonAsync("/api/v1/rooms", new { name, description = "Everything", createdBy = creator });

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
        await _client.CreateRoomAsync(creator, name);

        await _client.PostAsJsonAsync("/api/v1/rooms", new { name = name.ToUpperInvariant(), createdBy = creator })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "room_name_taken");
    }

    [Fact]
    public async Task Create_UnknownCreator_Returns422()
    {
        await _client.PostAsJsonAsync("/api/v1/rooms", new { name = ChatClient.UniqueName("r"), createdBy = Guid.NewGuid() })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown_user");
    }

    [Theory]
    [InlineData("{}", new[] { "name", "createdBy" })]
    [InlineData("""{"name":"","createdBy":"00000000-0000-0000-0000-000000000000"}""", new[] { "name", "createdBy" })]
    [InlineData("""{"name":"   ","createdBy":"0190a000-0000-7000-8000-000000000001"}""", new[] { "name" })]
    public async Task Create_InvalidFields_Returns400WithFieldErrors(string body, string[] fields)
    {
        await _client.PostRawAsync("/api/v1/rooms", body).ExpectValidationProblemAsync(fields);
    }

    [Fact]
    public async Task Create_TooLongNameAndDescription_Returns400()
    {
        await _client.PostAsJsonAsync("/api/v1/rooms", new { name = new string('n', 81), description = new string('d', 501), createdBy = Guid.NewGuid() })
            .ExpectValidationProblemAsync("name", "description");
    }

    [Fact]
    public async Task Get_ExistingRoom_Returns200()
    {
        var room = await _client.CreateRoomAsync(await _client.CreateUserAsync());

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
            created.Add(await _client.CreateRoomAsync(creator));
        }

        var rooms = await _client.ReadAllPagesAsync("/api/v1/rooms", 2);
        var ids = rooms.Select(r => r.GetProperty("id").GetGuid()).ToList();

        Assert.Equal(created, ids.Where(created.Contains));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Patch_RenamesAndClearsDescription()
    {
        var room = await _client.CreateRoomAsync(await _client.CreateUserAsync());
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
        await _client.CreateRoomAsync(creator, taken);
        var room = await _client.CreateRoomAsync(creator);

        await _client.PatchJsonAsync($"/api/v1/rooms/{room}", new { name = taken }).ExpectProblemAsync(HttpStatusCode.Conflict, "room_name_taken");
    }

    [Fact]
    public async Task Patch_BlankName_Returns400()
    {
        var room = await _client.CreateRoomAsync(await _client.CreateUserAsync());

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
        var room = await _client.CreateRoomAsync(user);
        var message = await _client.SendAsync(room, user, "bye");

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
        var room = await _client.CreateRoomAsync(await _client.CreateUserAsync());

        await _client.PutAsJsonAsync($"/api/v1/rooms/{room}", new { name = "x" }).ExpectProblemAsync(HttpStatusCode.MethodNotAllowed);
    }
}
