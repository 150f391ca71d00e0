using System.Net;
using ChatApi.Data;
using ChatApi.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatApi.Tests.Infrastructure;

public sealed class UnhandledExceptionTests : IDisposable
{
    private const string Secret = "connection string with password=hunter2";

    private readonly ChatApiFactory _factory = new()
    {
        ConfigureServices = services => services.AddSingleton<IUserRepository>(new ThrowingUserRepository()),
    };

    [Fact]
    public async Task UnhandledException_Returns500ProblemWithoutDetailsOfTheException()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync($"/api/v1/users/{Guid.NewGuid()}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"traceId\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(ThrowingUserRepository), body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        var logged = Assert.Single(_factory.Logs.Entries, e => e.Category == typeof(ChatExceptionHandler).FullName && e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    public void Dispose() => _factory.Dispose();

    private sealed class ThrowingUserRepository : IUserRepository
    {
        public Task<WriteResult> CreateAsync(UserRecord user, string? passwordHash, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<UserCredentials?> FindCredentialsAsync(string username, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task SetPasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<UserRecord?> GetAsync(Guid id, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<Page<UserRecord>> ListAsync(PageRequest page, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<WriteResult> UpdateAsync(UserRecord user, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<Page<UserRoomRecord>> ListRoomsAsync(Guid userId, PageRequest page, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(Secret);
    }
}
