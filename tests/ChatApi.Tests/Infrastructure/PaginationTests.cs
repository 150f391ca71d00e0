using System.Net;
using System.Text.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Infrastructure;

public sealed class PaginationTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    public static TheoryData<string> ListUrls() =>
    [
        "/api/v1/users",
        "/api/v1/rooms",
        "/api/v1/users/{user}/rooms",
        "/api/v1/rooms/{room}/members",
        "/api/v1/rooms/{room}/messages",
    ];

    [Fact]
    public async Task Messages_InsertsBetweenPages_NoItemLostOrDuplicatedAndOrderStable()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var expected = new List<Guid>();
        for (var i = 0; i < 23; i++)
        {
            factory.Time.Advance(TimeSpan.FromMilliseconds(1));
            expected.Add(await factory.SendAsync(room, user, $"before {i}"));
        }

        var pages = 0;
        var read = await _client.ReadAllPagesAsync($"/api/v1/rooms/{room}/messages", 5, async _ =>
        {
            pages++;
            for (var i = 0; i < 2; i++)
            {
                factory.Time.Advance(TimeSpan.FromMilliseconds(1));
                expected.Add(await factory.SendAsync(room, user, $"during {pages}.{i}"));
            }
        });

        // Newer messages sort after every cursor handed out, so the walk sees them too, each once, in order.
        Assert.Equal(expected, read.Select(m => m.GetProperty("id").GetGuid()));
        Assert.True(pages >= 4);
    }

    [Fact]
    public async Task Messages_ConcurrentInsertsWhilePaging_EveryExistingItemExactlyOnceInKeyOrder()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var existing = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            // Two messages per tick: the id breaks ties, so equal timestamps must still page correctly.
            if (i % 2 == 0)
            {
                factory.Time.Advance(TimeSpan.FromMilliseconds(1));
            }

            existing.Add(await factory.SendAsync(room, user, $"existing {i}"));
        }

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 40 && !stop.IsCancellationRequested; i++)
            {
                factory.Time.Advance(TimeSpan.FromTicks(1));
                await factory.SendAsync(room, user, $"concurrent {i}");
            }
        });

        var read = await _client.ReadAllPagesAsync($"/api/v1/rooms/{room}/messages", 4);
        await stop.CancelAsync();
        await writer;

        var ids = read.Select(m => m.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(existing.Count, ids.Count(existing.Contains));

        // Within one tick the id orders messages, not the order they were posted in; the key order is what must hold.
        var keys = read.Select(m => (Ticks: m.GetProperty("createdAt").GetDateTimeOffset().UtcTicks, Id: m.GetProperty("id").GetString()!)).ToList();
        for (var i = 1; i < keys.Count; i++)
        {
            var (previous, current) = (keys[i - 1], keys[i]);
            Assert.True(
                previous.Ticks < current.Ticks || (previous.Ticks == current.Ticks && string.CompareOrdinal(previous.Id, current.Id) < 0),
                $"Item {i} is out of keyset order.");
        }
    }

    [Fact]
    public async Task Users_PageInfo_HasNextPageUntilTheLastPage()
    {
        for (var i = 0; i < 3; i++)
        {
            await _client.CreateUserAsync();
        }

        var first = await _client.GetAsync("/api/v1/users?first=2").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var pageInfo = first.GetProperty("pageInfo");
        Assert.True(pageInfo.GetProperty("hasNextPage").GetBoolean());
        var cursor = pageInfo.GetProperty("endCursor").GetString();
        var next = await _client.GetAsync($"/api/v1/users?first=2&after={cursor}").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(
            next.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()),
            first.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()).Contains);
    }

    [Fact]
    public async Task EmptyList_HasNoNextPageAndNullCursor()
    {
        var room = await factory.CreateRoomAsync(await _client.CreateUserAsync());

        var body = await _client.GetAsync($"/api/v1/rooms/{room}/messages").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(0, body.GetProperty("items").GetArrayLength());
        Assert.False(body.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("pageInfo").GetProperty("endCursor").ValueKind);
    }

    [Fact]
    public async Task DefaultPageSize_Is20()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        for (var i = 0; i < 21; i++)
        {
            await factory.SendAsync(room, user, $"m{i}");
        }

        var body = await _client.GetAsync($"/api/v1/rooms/{room}/messages").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(20, body.GetProperty("items").GetArrayLength());
        Assert.True(body.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(ListUrls))]
    public async Task BadFirst_Returns400OnEveryList(string template)
    {
        var url = await ResolveAsync(template);
        foreach (var first in new[] { "0", "101", "-3", "ten", "1e3" })
        {
            await _client.GetAsync($"{url}?first={first}").ExpectValidationProblemAsync("first");
        }
    }

    [Theory]
    [MemberData(nameof(ListUrls))]
    public async Task MalformedCursor_Returns400OnEveryList(string template)
    {
        var url = await ResolveAsync(template);
        foreach (var after in new[] { "x", "%25%25%25", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AQ", new string('A', 200) })
        {
            await _client.GetAsync($"{url}?after={after}").ExpectValidationProblemAsync("after");
        }
    }

    [Fact]
    public async Task BadFirstAndCursor_ReportsBothFields()
    {
        await _client.GetAsync("/api/v1/rooms?first=0&after=nope").ExpectValidationProblemAsync("first", "after");
    }

    private async Task<string> ResolveAsync(string template)
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        return template.Replace("{user}", user.ToString(), StringComparison.Ordinal).Replace("{room}", room.ToString(), StringComparison.Ordinal);
    }
}
