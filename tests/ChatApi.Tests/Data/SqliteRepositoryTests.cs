using ChatApi.Data;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApi.Tests.Data;

/// <summary>
/// The store's answers when a referenced row vanishes between an endpoint's checks and its write: a
/// constraint outcome, never an exception that would become a 500.
/// </summary>
public sealed class SqliteRepositoryTests : IClassFixture<ChatApiFactory>
{
    private readonly IUserRepository _users;
    private readonly IRoomRepository _rooms;
    private readonly IMessageRepository _messages;
    private readonly DateTimeOffset _now;

    public SqliteRepositoryTests(ChatApiFactory factory)
    {
        // Creating a client starts the host, which migrates the database.
        factory.CreateClient().Dispose();
        _users = factory.Services.GetRequiredService<IUserRepository>();
        _rooms = factory.Services.GetRequiredService<IRoomRepository>();
        _messages = factory.Services.GetRequiredService<IMessageRepository>();
        _now = factory.Time.GetUtcNow();
    }

    [Fact]
    public async Task CreateRoom_CreatorDeleted_ReturnsNotFound()
    {
        var room = new RoomRecord(Guid.CreateVersion7(), ChatClient.UniqueName("r"), null, Guid.CreateVersion7(), _now, _now);

        Assert.Equal(WriteResult.NotFound, await _rooms.CreateAsync(room, CancellationToken.None));
        Assert.Null(await _rooms.GetAsync(room.Id, CancellationToken.None));
    }

    [Fact]
    public async Task AddMember_UserOrRoomMissing_ReturnsNotFound()
    {
        var user = await CreateUserAsync();
        var room = await CreateRoomAsync(user);

        Assert.Equal(WriteResult.NotFound, await _rooms.AddMemberAsync(room, Guid.CreateVersion7(), _now, CancellationToken.None));
        Assert.Equal(WriteResult.NotFound, await _rooms.AddMemberAsync(Guid.CreateVersion7(), user, _now, CancellationToken.None));
        Assert.Equal(WriteResult.Duplicate, await _rooms.AddMemberAsync(room, user, _now, CancellationToken.None));
    }

    [Fact]
    public async Task CreateMessage_RoomDeleted_IsRefused()
    {
        var user = await CreateUserAsync();
        var room = await CreateRoomAsync(user);
        Assert.True(await _rooms.DeleteAsync(room, CancellationToken.None));

        var message = new MessageRecord(Guid.CreateVersion7(), room, user, "late", _now, null, null);

        Assert.False(await _messages.CreateIfMemberAsync(message, [], CancellationToken.None));
    }

    [Fact]
    public async Task UpdateUser_Missing_ReturnsNotFound()
    {
        var user = new UserRecord(Guid.CreateVersion7(), ChatClient.UniqueName("u"), "u@example.com", null, _now, _now);

        Assert.Equal(WriteResult.NotFound, await _users.UpdateAsync(user, CancellationToken.None));
    }

    private async Task<Guid> CreateUserAsync()
    {
        var user = new UserRecord(Guid.CreateVersion7(), ChatClient.UniqueName("u"), "u@example.com", null, _now, _now);
        Assert.Equal(WriteResult.Success, await _users.CreateAsync(user, passwordHash: null, CancellationToken.None));
        return user.Id;
    }

    private async Task<Guid> CreateRoomAsync(Guid creator)
    {
        var room = new RoomRecord(Guid.CreateVersion7(), ChatClient.UniqueName("r"), null, creator, _now, _now);
        Assert.Equal(WriteResult.Success, await _rooms.CreateAsync(room, CancellationToken.None));
        return room.Id;
    }
}
