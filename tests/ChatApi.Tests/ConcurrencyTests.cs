using System.Net;
using System.Net.Http.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests;

/// <summary>Parallel writers on one SQLite file (WAL, one writer at a time): no 500s, no lost writes, no double claims.</summary>
public sealed class ConcurrencyTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    [Fact]
    public async Task ParallelSends_AllStoredOnce()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);

        // Bounded: 8 writers x 25 messages.
        var sent = await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var ids = new List<Guid>();
            for (var i = 0; i < 25; i++)
            {
                factory.Time.Advance(TimeSpan.FromTicks(1));
                ids.Add(await factory.SendAsync(room, user, $"writer {writer} message {i}"));
            }

            return ids;
        })));

        var listed = await _client.ReadAllPagesAsync($"/api/v1/rooms/{room}/messages", 100);
        Assert.Equal(sent.SelectMany(ids => ids).Order(), listed.Select(m => m.GetProperty("id").GetGuid()).Order());
    }

    [Fact]
    public async Task ParallelCreatesOfOneUsername_ExactlyOneWins()
    {
        var username = ChatClient.UniqueName("race");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            using var response = await _client.PostAsJsonAsync("/api/v1/users", new { username, email = $"racer{i}@example.com" });
            return response.StatusCode;
        })));

        Assert.Single(statuses, s => s == HttpStatusCode.Created);
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
    }

    [Fact]
    public async Task ParallelJoinsOfOneUser_ExactlyOneWins()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());
        var user = await _client.CreateUserAsync();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            using var response = await factory.As(user).PostAsync($"/api/v1/rooms/{room}/members", null);
            return response.StatusCode;
        })));

        Assert.Single(statuses, s => s == HttpStatusCode.Created);
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
    }
}
