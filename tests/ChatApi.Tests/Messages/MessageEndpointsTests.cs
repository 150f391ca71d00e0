using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Messages;

public sealed class MessageEndpointsTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    [Fact]
    public async Task Send_ByMember_Returns201WithLocation()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);

        using var response = await factory.As(user).PostAsJsonAsync($"/api/v1/rooms/{room}/messages", new { content = "hello" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var message = await response.ReadJsonAsync();
        var id = message.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/rooms/{room}/messages/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("hello", message.GetProperty("content").GetString());
        Assert.Equal(user, message.GetProperty("authorId").GetGuid());
        Assert.Equal(room, message.GetProperty("roomId").GetGuid());
        Assert.False(message.GetProperty("isDeleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("editedAt").ValueKind);
    }

    [Fact]
    public async Task Send_ByNonMember_Returns422()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());
        var outsider = await _client.CreateUserAsync();

        await factory.As(outsider).PostAsJsonAsync($"/api/v1/rooms/{room}/messages", new { content = "let me in" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not_a_member");
    }

    [Fact]
    public async Task Send_UserIdInTheBody_IsIgnoredForTheAuthenticatedUser()
    {
        var author = await _client.CreateUserAsync();
        var someoneElse = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(author);
        await factory.JoinAsync(room, someoneElse);

        var message = await factory.As(author).PostAsJsonAsync($"/api/v1/rooms/{room}/messages", new { userId = someoneElse, content = "it's me" })
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(author, message.GetProperty("authorId").GetGuid());
    }

    [Fact]
    public async Task Send_UnknownRoom_Returns404()
    {
        var user = await _client.CreateUserAsync();

        await factory.As(user).PostAsJsonAsync($"/api/v1/rooms/{Guid.NewGuid()}/messages", new { content = "x" })
            .ExpectProblemAsync(HttpStatusCode.NotFound, "room_not_found");
    }

    [Theory]
    [InlineData("{}", new[] { "content" })]
    [InlineData("""{"content":null}""", new[] { "content" })]
    [InlineData("""{"content":"  "}""", new[] { "content" })]
    public async Task Send_InvalidFields_Returns400(string body, string[] fields)
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());

        await _client.PostRawAsync($"/api/v1/rooms/{room}/messages", body).ExpectValidationProblemAsync(fields);
    }

    [Fact]
    public async Task Send_ContentLongerThan4000Characters_Returns400()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);

        await factory.As(user).PostAsJsonAsync($"/api/v1/rooms/{room}/messages", new { content = new string('x', 4001) })
            .ExpectValidationProblemAsync("content");
        await factory.SendAsync(room, user, new string('x', 4000));
    }

    [Fact]
    public async Task Get_MessageOfAnotherRoom_Returns404()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var other = await factory.CreateRoomAsync(user);
        var message = await factory.SendAsync(room, user, "here");

        await _client.GetAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.OK);
        await _client.GetAsync($"/api/v1/rooms/{other}/messages/{message}").ExpectProblemAsync(HttpStatusCode.NotFound, "message_not_found");
    }

    [Fact]
    public async Task Edit_ByAuthor_Returns200WithEditedAt()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var message = await factory.SendAsync(room, user, "helo");
        factory.Time.Advance(TimeSpan.FromSeconds(5));

        var edited = await factory.As(user).PatchJsonAsync($"/api/v1/rooms/{room}/messages/{message}", new { content = "hello" })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("hello", edited.GetProperty("content").GetString());
        Assert.Equal(factory.Time.GetUtcNow(), edited.GetProperty("editedAt").GetDateTimeOffset());
        var stored = await _client.GetAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("hello", stored.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Edit_ByAnotherUser_Returns403()
    {
        var author = await _client.CreateUserAsync();
        var other = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(author);
        await factory.JoinAsync(room, other);
        var message = await factory.SendAsync(room, author, "mine");

        await factory.As(other).PatchJsonAsync($"/api/v1/rooms/{room}/messages/{message}", new { content = "yours" })
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "not_the_author");
    }

    [Fact]
    public async Task Edit_DeletedMessage_Returns422()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var message = await factory.SendAsync(room, user, "oops");
        await _client.DeleteAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.NoContent);

        await factory.As(user).PatchJsonAsync($"/api/v1/rooms/{room}/messages/{message}", new { content = "fixed" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "message_deleted");
    }

    [Fact]
    public async Task Edit_UnknownMessage_Returns404()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);

        await factory.As(user).PatchJsonAsync($"/api/v1/rooms/{room}/messages/{Guid.NewGuid()}", new { content = "x" })
            .ExpectProblemAsync(HttpStatusCode.NotFound, "message_not_found");
    }

    [Fact]
    public async Task Edit_EmptyContent_Returns400()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var message = await factory.SendAsync(room, user, "x");

        await factory.As(user).PatchJsonAsync($"/api/v1/rooms/{room}/messages/{message}", new { content = "" }).ExpectValidationProblemAsync("content");
    }

    [Fact]
    public async Task Delete_LeavesTombstoneAndIsIdempotent()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var message = await factory.SendAsync(room, user, "secret");
        factory.Time.Advance(TimeSpan.FromSeconds(1));
        var deletedAt = factory.Time.GetUtcNow();

        await _client.DeleteAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.NoContent);
        factory.Time.Advance(TimeSpan.FromSeconds(1));
        await _client.DeleteAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.NoContent);

        var tombstone = await _client.GetAsync($"/api/v1/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.OK);
        Assert.True(tombstone.GetProperty("isDeleted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, tombstone.GetProperty("content").ValueKind);
        Assert.Equal(deletedAt, tombstone.GetProperty("deletedAt").GetDateTimeOffset());
        var list = await _client.GetAsync($"/api/v1/rooms/{room}/messages").ExpectAsync(HttpStatusCode.OK);
        Assert.True(Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("isDeleted").GetBoolean());
    }

    [Fact]
    public async Task Delete_UnknownMessage_Returns404()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());

        await _client.DeleteAsync($"/api/v1/rooms/{room}/messages/{Guid.NewGuid()}").ExpectProblemAsync(HttpStatusCode.NotFound, "message_not_found");
    }

    [Fact]
    public async Task List_UnknownRoom_Returns404()
    {
        await _client.GetAsync($"/api/v1/rooms/{Guid.NewGuid()}/messages").ExpectProblemAsync(HttpStatusCode.NotFound, "room_not_found");
    }

    [Fact]
    public async Task List_ReturnsMessagesOldestFirst()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var sent = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            factory.Time.Advance(TimeSpan.FromMilliseconds(1));
            sent.Add(await factory.SendAsync(room, user, $"m{i}"));
        }

        var list = await _client.GetAsync($"/api/v1/rooms/{room}/messages").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(sent, list.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()));
        Assert.False(list.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.False(string.IsNullOrEmpty(list.GetProperty("pageInfo").GetProperty("endCursor").GetString()));
    }
}
