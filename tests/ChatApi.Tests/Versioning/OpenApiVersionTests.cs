using System.Net;

namespace ChatApi.Tests.Versioning;

public sealed class OpenApiVersionTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task V2Document_HasV2PathsReactionsAndTheBearerScheme()
    {
        var document = await _client.GetAsync("/openapi/v2.json").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("2.0", document.GetProperty("info").GetProperty("version").GetString());
        var paths = document.GetProperty("paths");
        var reactions = paths.GetProperty("/api/v2/rooms/{id}/messages/{messageId}/reactions");
        Assert.True(reactions.TryGetProperty("post", out _));
        Assert.True(reactions.TryGetProperty("delete", out _));
        Assert.True(paths.TryGetProperty("/api/v2/rooms/{id}/messages", out _));
        Assert.True(paths.TryGetProperty("/api/v2/users", out _));
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal));
        Assert.DoesNotContain(
            paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject()),
            operation => operation.Value.TryGetProperty("deprecated", out var deprecated) && deprecated.GetBoolean());
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
    }

    [Fact]
    public async Task V1Document_HasV1PathsWithoutReactions_AndMarksVersionedOperationsDeprecated()
    {
        var document = await _client.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("1.0", document.GetProperty("info").GetProperty("version").GetString());
        var paths = document.GetProperty("paths");
        Assert.False(paths.TryGetProperty("/api/v1/rooms/{id}/messages/{messageId}/reactions", out _));
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/api/v2/", StringComparison.Ordinal));
        var send = paths.GetProperty("/api/v1/rooms/{id}/messages").GetProperty("post");
        Assert.True(send.GetProperty("deprecated").GetBoolean());
        Assert.True(paths.GetProperty("/api/v1/users").GetProperty("get").GetProperty("deprecated").GetBoolean());

        // Authentication is version-neutral: documented in both, deprecated in neither.
        Assert.False(paths.GetProperty("/api/v1/auth/login").GetProperty("post").TryGetProperty("deprecated", out _));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
    }
}
