using System.Net;
using System.Net.Http.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Users;

public sealed class UserEndpointsTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    [Fact]
    public async Task Create_ValidUser_Returns201WithLocationAndBody()
    {
        var username = ChatClient.UniqueName("alice");
        using var response = await _client.PostAsJsonAsync("/api/v1/users", new { username, email = "alice@example.com", displayName = "Alice" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await response.ReadJsonAsync();
        var id = user.GetProperty("id").GetGuid();
        Assert.Equal(7, id.Version);
        Assert.Equal($"/api/v1/users/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(username, user.GetProperty("username").GetString());
        Assert.Equal("alice@example.com", user.GetProperty("email").GetString());
        Assert.Equal("Alice", user.GetProperty("displayName").GetString());
        Assert.Equal(factory.Time.GetUtcNow(), user.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Create_DuplicateUsernameInAnyCase_Returns409()
    {
        var username = ChatClient.UniqueName("bob");
        await _client.CreateUserAsync(username);

        await _client.PostAsJsonAsync("/api/v1/users", new { username = username.ToUpperInvariant(), email = "b@example.com" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "username_taken");
    }

    [Theory]
    [InlineData("{}", new[] { "username", "email" })]
    [InlineData("""{"username":"ab","email":"a@example.com"}""", new[] { "username" })]
    [InlineData("""{"username":"has space","email":"a@example.com"}""", new[] { "username" })]
    [InlineData("""{"username":"_leading","email":"a@example.com"}""", new[] { "username" })]
    [InlineData("""{"username":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","email":"a@example.com"}""", new[] { "username" })]
    [InlineData("""{"username":"valid_name","email":"not-an-email"}""", new[] { "email" })]
    [InlineData("""{"username":"valid_name","email":"Name <a@example.com>"}""", new[] { "email" })]
    [InlineData("""{"username":"valid_name","email":"a@localhost"}""", new[] { "email" })]
    [InlineData("""{"username":"   ","email":"   "}""", new[] { "username", "email" })]
    public async Task Create_InvalidFields_Returns400WithFieldErrors(string body, string[] fields)
    {
        await _client.PostRawAsync("/api/v1/users", body).ExpectValidationProblemAsync(fields);
    }

    [Fact]
    public async Task Create_DisplayNameTooLong_Returns400()
    {
        await _client.PostAsJsonAsync("/api/v1/users", new { username = ChatClient.UniqueName("c"), email = "c@example.com", displayName = new string('x', 65) })
            .ExpectValidationProblemAsync("displayName");
    }

    [Fact]
    public async Task Get_ExistingUser_Returns200()
    {
        var id = await _client.CreateUserAsync();

        var user = await _client.GetAsync($"/api/v1/users/{id}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(id, user.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Get_UnknownUser_Returns404Problem()
    {
        await _client.GetAsync($"/api/v1/users/{Guid.NewGuid()}").ExpectProblemAsync(HttpStatusCode.NotFound, "user_not_found");
    }

    [Fact]
    public async Task Get_IdThatIsNotAGuid_Returns404Problem()
    {
        await _client.GetAsync("/api/v1/users/not-a-guid").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_ReturnsCreatedUsersInCreationOrder()
    {
        var created = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            factory.Time.Advance(TimeSpan.FromSeconds(1));
            created.Add(await _client.CreateUserAsync());
        }

        var all = await _client.ReadAllPagesAsync("/api/v1/users", 100);
        var ids = all.Select(u => u.GetProperty("id").GetGuid()).ToList();

        Assert.Equal(created, ids.Where(created.Contains));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Put_ReplacesAllFields()
    {
        var id = await _client.CreateUserAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(1));
        var username = ChatClient.UniqueName("renamed");

        var user = await _client.PutAsJsonAsync($"/api/v1/users/{id}", new { username, email = "new@example.com" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(username, user.GetProperty("username").GetString());
        Assert.Equal("new@example.com", user.GetProperty("email").GetString());
        Assert.Equal(factory.Time.GetUtcNow(), user.GetProperty("updatedAt").GetDateTimeOffset());
        Assert.True(user.GetProperty("createdAt").GetDateTimeOffset() < user.GetProperty("updatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Put_MissingRequiredField_Returns400()
    {
        var id = await _client.CreateUserAsync();

        await _client.PutAsJsonAsync($"/api/v1/users/{id}", new { username = ChatClient.UniqueName("x") }).ExpectValidationProblemAsync("email");
    }

    [Fact]
    public async Task Put_UnknownUser_Returns404()
    {
        await _client.PutAsJsonAsync($"/api/v1/users/{Guid.NewGuid()}", new { username = ChatClient.UniqueName("x"), email = "x@example.com" })
            .ExpectProblemAsync(HttpStatusCode.NotFound, "user_not_found");
    }

    [Fact]
    public async Task Patch_ChangesOnlyPresentFields()
    {
        var username = ChatClient.UniqueName("patch");
        var id = await _client.CreateUserAsync(username);

        var user = await _client.PatchJsonAsync($"/api/v1/users/{id}", new { displayName = "Patched" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(username, user.GetProperty("username").GetString());
        Assert.Equal("Patched", user.GetProperty("displayName").GetString());
        var cleared = await _client.PatchJsonAsync($"/api/v1/users/{id}", new { displayName = "" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cleared.GetProperty("displayName").ValueKind);
    }

    [Fact]
    public async Task Patch_UsernameOfAnotherUser_Returns409()
    {
        var taken = ChatClient.UniqueName("taken");
        await _client.CreateUserAsync(taken);
        var id = await _client.CreateUserAsync();

        await _client.PatchJsonAsync($"/api/v1/users/{id}", new { username = taken }).ExpectProblemAsync(HttpStatusCode.Conflict, "username_taken");
    }

    [Fact]
    public async Task Patch_InvalidEmail_Returns400()
    {
        var id = await _client.CreateUserAsync();

        await _client.PatchJsonAsync($"/api/v1/users/{id}", new { email = "nope" }).ExpectValidationProblemAsync("email");
    }

    [Fact]
    public async Task Patch_UnknownUser_Returns404()
    {
        await _client.PatchJsonAsync($"/api/v1/users/{Guid.NewGuid()}", new { displayName = "x" }).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_ExistingUser_Returns204AndThen404()
    {
        var id = await _client.CreateUserAsync();

        using var deleted = await _client.DeleteAsync($"/api/v1/users/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        await _client.GetAsync($"/api/v1/users/{id}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await _client.DeleteAsync($"/api/v1/users/{id}").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_Author_KeepsRoomsAndMessagesWithoutAuthor()
    {
        var author = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(author);
        var message = await factory.SendAsync(room, author, "still here");

        await _client.DeleteAsync($"/api/v1/users/{author}").ExpectAsync(HttpStatusCode.NoContent);

        var kept = await _client.GetAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, kept.GetProperty("authorId").ValueKind);
        Assert.Equal("still here", kept.GetProperty("content").GetString());
        var members = await _client.GetAsync($"/api/v1/rooms/{room}/members").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(members.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ListRooms_ReturnsRoomsTheUserJoined()
    {
        var owner = await _client.CreateUserAsync();
        var member = await _client.CreateUserAsync();
        var first = await factory.CreateRoomAsync(owner);
        var second = await factory.CreateRoomAsync(owner);
        await factory.CreateRoomAsync(owner);
        await factory.JoinAsync(second, member);
        factory.Time.Advance(TimeSpan.FromSeconds(1));
        await factory.JoinAsync(first, member);

        var rooms = await _client.ReadAllPagesAsync($"/api/v1/users/{member}/rooms", 1);

        Assert.Equal([second, first], rooms.Select(r => r.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task ListRooms_UnknownUser_Returns404()
    {
        await _client.GetAsync($"/api/v1/users/{Guid.NewGuid()}/rooms").ExpectProblemAsync(HttpStatusCode.NotFound, "user_not_found");
    }
}
