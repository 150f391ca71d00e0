using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Versioning;

/// <summary>
/// Messages API v1 and v2 from one set of handlers: v2 shows reactions and attachments, v1 gets the same messages
/// without them through the version change, whichever of the four readers names the version.
/// </summary>
public sealed class MessageVersioningTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private static readonly object Attachment = new { fileName = "plan.pdf", contentType = "application/pdf", size = 48213, url = "https://files.example.com/plan.pdf" };

    private readonly HttpClient _client = factory.CreateAdminClient();

    [Fact]
    public async Task SendV2_WithAttachmentsAndReactions_ReturnsTheV2Shape()
    {
        var (user, room) = await MemberAndRoomAsync();
        var client = factory.As(user);

        using var created = await client.PostAsJsonAsync($"/api/v2/rooms/{room}/messages", new { content = "see the plan", attachments = new[] { Attachment } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sent = await created.ReadJsonAsync();
        var id = sent.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v2/rooms/{room}/messages/{id}", created.Headers.Location?.OriginalString);
        Assert.Empty(sent.GetProperty("reactions").EnumerateArray());

        await client.PostAsJsonAsync($"/api/v2/rooms/{room}/messages/{id}/reactions", new { emoji = "👍" }).ExpectAsync(HttpStatusCode.Created);
        var message = await client.GetAsync($"/api/v2/rooms/{room}/messages/{id}").ExpectAsync(HttpStatusCode.OK);

        var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.NotEqual(Guid.Empty, attachment.GetProperty("id").GetGuid());
        Assert.Equal("plan.pdf", attachment.GetProperty("fileName").GetString());
        Assert.Equal("application/pdf", attachment.GetProperty("contentType").GetString());
        Assert.Equal(48213, attachment.GetProperty("size").GetInt64());
        Assert.Equal("https://files.example.com/plan.pdf", attachment.GetProperty("url").GetString());
        var reaction = Assert.Single(message.GetProperty("reactions").EnumerateArray());
        Assert.Equal("👍", reaction.GetProperty("emoji").GetString());
        Assert.Equal(1, reaction.GetProperty("count").GetInt32());
        Assert.Equal(user, Assert.Single(reaction.GetProperty("userIds").EnumerateArray()).GetGuid());
    }

    [Fact]
    public async Task GetV1_OfAMessageWithReactionsAndAttachments_OmitsThemFromTheSameHandler()
    {
        var (user, room, id) = await MessageWithReactionAndAttachmentAsync();
        var client = factory.As(user);

        var v2 = await client.GetAsync($"/api/v2/rooms/{room}/messages/{id}").ExpectAsync(HttpStatusCode.OK);
        var v1 = await client.GetAsync($"/api/v1/rooms/{room}/messages/{id}").ExpectAsync(HttpStatusCode.OK);
        var v1List = await client.GetAsync($"/api/v1/rooms/{room}/messages").ExpectAsync(HttpStatusCode.OK);

        Assert.True(v2.TryGetProperty("reactions", out _));
        AssertV1Shape(v1);
        var listed = Assert.Single(v1List.GetProperty("items").EnumerateArray());
        AssertV1Shape(listed);

        // Apart from the v2 fields, v1 is the very same message (compared as JSON values: the re-serialised v1 body
        // escapes '+' in offsets as \u002B).
        var v2Fields = v2.EnumerateObject().Where(p => p.Name is not "reactions" and not "attachments").ToList();
        var v1Fields = v1.EnumerateObject().ToList();
        Assert.Equal(v2Fields.Select(p => p.Name), v1Fields.Select(p => p.Name));
        Assert.All(v2Fields.Zip(v1Fields), pair => Assert.True(JsonElement.DeepEquals(pair.First.Value, pair.Second.Value), pair.First.Name));
    }

    [Fact]
    public async Task SendV1_WithAttachments_IgnoresThemAndAnswersInTheV1Shape()
    {
        var (user, room) = await MemberAndRoomAsync();
        var client = factory.As(user);

        using var created = await client.PostAsJsonAsync($"/api/v1/rooms/{room}/messages", new { content = "old client", attachments = new[] { Attachment } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var v1 = await created.ReadJsonAsync();
        AssertV1Shape(v1);
        Assert.Equal("old client", v1.GetProperty("content").GetString());
        var id = v1.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/rooms/{room}/messages/{id}", created.Headers.Location?.OriginalString);
        var v2 = await client.GetAsync($"/api/v2/rooms/{room}/messages/{id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(v2.GetProperty("attachments").EnumerateArray());
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("header")]
    [InlineData("mediaType")]
    [InlineData("query")]
    public async Task EachReader_NamingV1OrV2_SelectsThatShape(string reader)
    {
        var (user, room, id) = await MessageWithReactionAndAttachmentAsync();
        var client = factory.As(user);

        using var v1 = await client.SendAsync(Request(reader, "1", $"rooms/{room}/messages/{id}"));
        using var v2 = await client.SendAsync(Request(reader, "2", $"rooms/{room}/messages/{id}"));

        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, v2.StatusCode);
        AssertV1Shape(await v1.ReadJsonAsync());
        Assert.True(v1.Headers.Contains("Deprecation"));
        var v2Body = await v2.ReadJsonAsync();
        Assert.Single(v2Body.GetProperty("reactions").EnumerateArray());
        Assert.Single(v2Body.GetProperty("attachments").EnumerateArray());
        Assert.False(v2.Headers.Contains("Deprecation"));
    }

    [Theory]
    [InlineData("1", HttpStatusCode.Created)]
    [InlineData("3", HttpStatusCode.UnsupportedMediaType)]
    public async Task SendWithVersionedContentType_IsReadAsThatVersion(string version, HttpStatusCode status)
    {
        var (user, room) = await MemberAndRoomAsync();
        var body = "{\"content\":\"typed\",\"attachments\":[{\"fileName\":\"a.txt\",\"contentType\":\"text/plain\",\"size\":1,\"url\":\"https://a.example/a\"}]}";

        using var content = new StringContent(body, System.Text.Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"application/vnd.api+json; version={version}");
        using var response = await factory.As(user).PostAsync($"/api/rooms/{room}/messages", content);

        if (status == HttpStatusCode.Created)
        {
            Assert.Equal(status, response.StatusCode);
            AssertV1Shape(await response.ReadJsonAsync());
            Assert.True(response.Headers.Contains("Deprecation"));
        }
        else
        {
            await Task.FromResult(response).ExpectProblemAsync(status, "ApiVersionUnsupported");
        }
    }

    [Fact]
    public async Task EditV1_AnswersInTheV1Shape()
    {
        var (user, room, id) = await MessageWithReactionAndAttachmentAsync();

        var edited = await factory.As(user).PatchJsonAsync($"/api/v1/rooms/{room}/messages/{id}", new { content = "edited" }).ExpectAsync(HttpStatusCode.OK);

        AssertV1Shape(edited);
        Assert.Equal("edited", edited.GetProperty("content").GetString());
    }

    [Fact]
    public async Task NoVersion_IsServedAsV2()
    {
        var (user, room, id) = await MessageWithReactionAndAttachmentAsync();

        var message = await factory.As(user).GetAsync($"/api/rooms/{room}/messages/{id}").ExpectAsync(HttpStatusCode.OK);

        Assert.Single(message.GetProperty("reactions").EnumerateArray());
    }

    [Fact]
    public async Task V1_CarriesDeprecationSunsetAndLinks_V2_DoesNot()
    {
        var (user, room) = await MemberAndRoomAsync();
        var client = factory.As(user);

        using var v1 = await client.GetAsync($"/api/v1/rooms/{room}/messages");
        using var v2 = await client.GetAsync($"/api/v2/rooms/{room}/messages");

        // appsettings.json: deprecated 2026-11-01, sunset 2027-05-01, both linking to the migration guide.
        Assert.Equal("@" + new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), Assert.Single(v1.Headers.GetValues("Deprecation")));
        Assert.Equal("Sat, 01 May 2027 00:00:00 GMT", Assert.Single(v1.Headers.GetValues("Sunset")));
        var links = v1.Headers.GetValues("Link").ToList();
        const string Guide = "<https://github.com/apikit/apikit/blob/main/samples/ChatApi/README.md#migrating-from-v1-to-v2>";
        Assert.Contains(Guide + "; rel=\"deprecation\"; type=\"text/html\"", links);
        Assert.Contains(Guide + "; rel=\"sunset\"; type=\"text/html\"", links);
        foreach (var response in new[] { v1, v2 })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("1.0, 2.0", Assert.Single(response.Headers.GetValues("api-supported-versions")));
            Assert.Equal("1.0", Assert.Single(response.Headers.GetValues("api-deprecated-versions")));
        }

        Assert.False(v2.Headers.Contains("Deprecation"));
        Assert.False(v2.Headers.Contains("Sunset"));
        Assert.False(v2.Headers.Contains("Link"));
    }

    [Fact]
    public async Task OtherResources_AnswerV1AndV2WithTheSameShape()
    {
        var (user, room) = await MemberAndRoomAsync();
        var client = factory.As(user);

        var v1 = await client.GetAsync($"/api/v1/rooms/{room}").ExpectAsync(HttpStatusCode.OK);
        var v2 = await client.GetAsync($"/api/v2/rooms/{room}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(v1.GetRawText(), v2.GetRawText());
        await client.GetAsync($"/api/v3/rooms/{room}").ExpectProblemAsync(HttpStatusCode.BadRequest, "ApiVersionUnsupported");
    }

    internal static void AssertV1Shape(JsonElement message)
    {
        Assert.NotEqual(Guid.Empty, message.GetProperty("id").GetGuid());
        Assert.False(message.TryGetProperty("reactions", out _), "v1 must not show reactions");
        Assert.False(message.TryGetProperty("attachments", out _), "v1 must not show attachments");
    }

    internal static HttpRequestMessage Request(string reader, string version, string path, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, reader switch
        {
            "segment" => $"/api/v{version}/{path}",
            "query" => $"/api/{path}?version={version}",
            _ => $"/api/{path}",
        });
        if (reader == "header")
        {
            request.Headers.Add("API-Version", version);
        }
        else if (reader == "mediaType")
        {
            request.Headers.TryAddWithoutValidation("Accept", $"application/vnd.api+json;version={version}");
        }

        return request;
    }

    private async Task<(Guid User, Guid Room)> MemberAndRoomAsync()
    {
        var user = await _client.CreateUserAsync();
        return (user, await factory.CreateRoomAsync(user));
    }

    private async Task<(Guid User, Guid Room, Guid Message)> MessageWithReactionAndAttachmentAsync()
    {
        var (user, room) = await MemberAndRoomAsync();
        var client = factory.As(user);
        var message = await client.PostAsJsonAsync($"/api/v2/rooms/{room}/messages", new { content = "hi", attachments = new[] { Attachment } })
            .ExpectAsync(HttpStatusCode.Created);
        var id = message.GetProperty("id").GetGuid();
        await client.PostAsJsonAsync($"/api/v2/rooms/{room}/messages/{id}/reactions", new { emoji = "🎉" }).ExpectAsync(HttpStatusCode.Created);
        return (user, room, id);
    }
}
