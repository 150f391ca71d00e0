using System.Net;
using System.Net.Http.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Versioning;

public sealed class ReactionEndpointsTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    [Fact]
    public async Task Add_Twice_Returns201Then200WithOneReaction()
    {
        var (user, room, message) = await MessageAsync();
        var url = $"/api/v2/rooms/{room}/messages/{message}/reactions";

        await factory.As(user).PostAsJsonAsync(url, new { emoji = "👍" }).ExpectAsync(HttpStatusCode.Created);
        var again = await factory.As(user).PostAsJsonAsync(url, new { emoji = "👍" }).ExpectAsync(HttpStatusCode.OK);

        var reaction = Assert.Single(again.GetProperty("reactions").EnumerateArray());
        Assert.Equal(1, reaction.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Add_BySeveralMembers_GroupsByEmojiInOrder()
    {
        var (user, room, message) = await MessageAsync();
        var other = await _client.CreateUserAsync();
        await factory.JoinAsync(room, other);
        var url = $"/api/v2/rooms/{room}/messages/{message}/reactions";

        await factory.As(user).PostAsJsonAsync(url, new { emoji = "🎉" }).ExpectAsync(HttpStatusCode.Created);
        factory.Time.Advance(TimeSpan.FromSeconds(1));
        await factory.As(other).PostAsJsonAsync(url, new { emoji = "🎉" }).ExpectAsync(HttpStatusCode.Created);
        factory.Time.Advance(TimeSpan.FromSeconds(1));
        var body = await factory.As(other).PostAsJsonAsync(url, new { emoji = "👀" }).ExpectAsync(HttpStatusCode.Created);

        var reactions = body.GetProperty("reactions").EnumerateArray().ToList();
        Assert.Equal(["🎉", "👀"], reactions.Select(r => r.GetProperty("emoji").GetString()));
        Assert.Equal([user, other], reactions[0].GetProperty("userIds").EnumerateArray().Select(u => u.GetGuid()));
        Assert.Equal(2, reactions[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Remove_Returns204ThenNotFound()
    {
        var (user, room, message) = await MessageAsync();
        var url = $"/api/v2/rooms/{room}/messages/{message}/reactions";
        await factory.As(user).PostAsJsonAsync(url, new { emoji = "👍" }).ExpectAsync(HttpStatusCode.Created);

        await factory.As(user).DeleteAsync(url + "?emoji=" + Uri.EscapeDataString("👍")).ExpectAsync(HttpStatusCode.NoContent);
        await factory.As(user).DeleteAsync(url + "?emoji=" + Uri.EscapeDataString("👍")).ExpectProblemAsync(HttpStatusCode.NotFound, "reaction_not_found");

        var after = await factory.As(user).GetAsync($"/api/v2/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(after.GetProperty("reactions").EnumerateArray());
    }

    [Fact]
    public async Task AddOrRemove_ByNonMember_Returns422()
    {
        var (_, room, message) = await MessageAsync();
        var outsider = await _client.CreateUserAsync();
        var url = $"/api/v2/rooms/{room}/messages/{message}/reactions";

        await factory.As(outsider).PostAsJsonAsync(url, new { emoji = "👍" }).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not_a_member");
        await factory.As(outsider).DeleteAsync(url + "?emoji=x").ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not_a_member");
    }

    [Fact]
    public async Task Add_Anonymous_Returns401()
    {
        var (_, room, message) = await MessageAsync();
        using var anonymous = factory.CreateClient();

        await anonymous.PostAsJsonAsync($"/api/v2/rooms/{room}/messages/{message}/reactions", new { emoji = "👍" })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Add_ToUnknownOrDeletedMessage_Returns404Or422()
    {
        var (user, room, message) = await MessageAsync();
        var client = factory.As(user);

        await client.PostAsJsonAsync($"/api/v2/rooms/{room}/messages/{Guid.NewGuid()}/reactions", new { emoji = "👍" })
            .ExpectProblemAsync(HttpStatusCode.NotFound, "message_not_found");
        await client.DeleteAsync($"/api/v2/rooms/{room}/messages/{message}").ExpectAsync(HttpStatusCode.NoContent);
        await client.PostAsJsonAsync($"/api/v2/rooms/{room}/messages/{message}/reactions", new { emoji = "👍" })
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "message_deleted");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"emoji\":\"\"}")]
    [InlineData("{\"emoji\":\"a b\"}")]
    [InlineData("{\"emoji\":\"0123456789012345678901234567890123\"}")]
    public async Task Add_InvalidEmoji_Returns400Validation(string body)
    {
        var (user, room, message) = await MessageAsync();

        await factory.As(user).PostRawAsync($"/api/v2/rooms/{room}/messages/{message}/reactions", body).ExpectValidationProblemAsync("emoji");
    }

    [Fact]
    public async Task Remove_WithoutEmoji_Returns400Validation()
    {
        var (user, room, message) = await MessageAsync();

        await factory.As(user).DeleteAsync($"/api/v2/rooms/{room}/messages/{message}/reactions").ExpectValidationProblemAsync("emoji");
    }

    [Theory]
    [InlineData("{\"content\":\"x\",\"attachments\":[{\"contentType\":\"image/png\",\"size\":1,\"url\":\"https://a.example/x.png\"}]}", "attachments[0].fileName")]
    [InlineData("{\"content\":\"x\",\"attachments\":[{\"fileName\":\"../x.png\",\"contentType\":\"image/png\",\"size\":1,\"url\":\"https://a.example/x.png\"}]}", "attachments[0].fileName")]
    [InlineData("{\"content\":\"x\",\"attachments\":[{\"fileName\":\"x.png\",\"contentType\":\"png\",\"size\":1,\"url\":\"https://a.example/x.png\"}]}", "attachments[0].contentType")]
    [InlineData("{\"content\":\"x\",\"attachments\":[{\"fileName\":\"x.png\",\"contentType\":\"image/png\",\"size\":-1,\"url\":\"https://a.example/x.png\"}]}", "attachments[0].size")]
    [InlineData("{\"content\":\"x\",\"attachments\":[{\"fileName\":\"x.png\",\"contentType\":\"image/png\",\"size\":1,\"url\":\"javascript:alert(1)\"}]}", "attachments[0].url")]
    [InlineData("{\"content\":\"x\",\"attachments\":[null]}", "attachments[0]")]
    public async Task SendV2_InvalidAttachment_Returns400Validation(string body, string field)
    {
        var (user, room, _) = await MessageAsync();

        await factory.As(user).PostRawAsync($"/api/v2/rooms/{room}/messages", body).ExpectValidationProblemAsync(field);
    }

    [Fact]
    public async Task SendV2_TooManyAttachments_Returns400Validation()
    {
        var (user, room, _) = await MessageAsync();
        var attachments = Enumerable.Range(0, 11).Select(i => new { fileName = $"f{i}.txt", contentType = "text/plain", size = i, url = $"https://a.example/{i}" });

        await factory.As(user).PostAsJsonAsync($"/api/v2/rooms/{room}/messages", new { content = "x", attachments }).ExpectValidationProblemAsync("attachments");
    }

    private async Task<(Guid User, Guid Room, Guid Message)> MessageAsync()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        return (user, room, await factory.SendAsync(room, user, "react to me"));
    }
}
