using System.Net;
using System.Net.Http.Json;
using ChatApi.Tests.Auth;
using Microsoft.Data.Sqlite;

namespace ChatApi.Tests.Versioning;

/// <summary>Migration 0004: reactions and attachments follow their message's room and their user out of the database.</summary>
public sealed class MessageDetailsStorageTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _admin = factory.CreateAdminClient();

    [Fact]
    public async Task DeletingTheRoom_RemovesReactionsAndAttachments()
    {
        var (_, room, message) = await MessageWithDetailsAsync();
        Assert.Equal((1L, 1L), await CountAsync(message));

        await _admin.DeleteAsync($"/api/v2/rooms/{room}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal((0L, 0L), await CountAsync(message));
    }

    [Fact]
    public async Task DeletingTheUser_RemovesTheirReactionsButKeepsAttachments()
    {
        var (user, _, message) = await MessageWithDetailsAsync();

        await _admin.DeleteAsync($"/api/v2/users/{user}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal((0L, 1L), await CountAsync(message));
    }

    private async Task<(Guid User, Guid Room, Guid Message)> MessageWithDetailsAsync()
    {
        var user = await _admin.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var client = factory.As(user);
        var sent = await client.PostAsJsonAsync(
                $"/api/v2/rooms/{room}/messages",
                new { content = "x", attachments = new[] { new { fileName = "a.txt", contentType = "text/plain", size = 3, url = "https://files.example.com/a.txt" } } })
            .ExpectAsync(HttpStatusCode.Created);
        var message = sent.GetProperty("id").GetGuid();
        await client.PostAsJsonAsync($"/api/v2/rooms/{room}/messages/{message}/reactions", new { emoji = "👍" }).ExpectAsync(HttpStatusCode.Created);
        return (user, room, message);
    }

    private async Task<(long Reactions, long Attachments)> CountAsync(Guid message)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM message_reactions WHERE message_id = $id),
                   (SELECT COUNT(*) FROM message_attachments WHERE message_id = $id);
            """;
        command.Parameters.AddWithValue("$id", message.ToString("D"));
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
