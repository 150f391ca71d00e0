using System.Net;
using ChatApi.Data;
using ChatApi.Data.Sqlite;
using ChatApi.Infrastructure;
using ChatApi.Tests.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatApi.Tests.Infrastructure;

public sealed class UnhandledExceptionTests : IDisposable
{
    private const string Secret = "connection string with password=hunter2";

    private readonly ChatApiFactory _factory = new()
    {
        ConfigureServices = services => services.AddSingleton<IUserRepository>(provider =>
            new ThrowingUserRepository(new SqliteUserRepository(provider.GetRequiredService<SqliteConnectionFactory>(), provider.GetRequiredService<IChatChangeOutbox>()))),
    };

    [Fact]
    public async Task UnhandledException_Returns500ProblemWithoutDetailsOfTheException()
    {
        using var client = _factory.CreateAdminClient();
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

    /// <summary>The real repository, except that reading a user by id fails with a secret in the message.</summary>
    private sealed class ThrowingUserRepository(IUserRepository inner) : IUserRepository
    {
        public Task<UserRecord?> GetAsync(Guid id, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<WriteResult> CreateAsync(UserRecord user, string? passwordHash, CancellationToken cancellationToken) => inner.CreateAsync(user, passwordHash, cancellationToken);

        public Task<UserCredentials?> FindCredentialsAsync(string username, CancellationToken cancellationToken) => inner.FindCredentialsAsync(username, cancellationToken);

        public Task<string?> GetRoleAsync(Guid id, CancellationToken cancellationToken) => inner.GetRoleAsync(id, cancellationToken);

        public Task<bool> SetRoleAsync(Guid id, string role, CancellationToken cancellationToken) => inner.SetRoleAsync(id, role, cancellationToken);

        public Task SetPasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken) => inner.SetPasswordHashAsync(id, passwordHash, cancellationToken);

        public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken) => inner.ExistsAsync(id, cancellationToken);

        public Task<Page<UserRecord>> ListAsync(PageRequest page, CancellationToken cancellationToken) => inner.ListAsync(page, cancellationToken);

        public Task<WriteResult> UpdateAsync(UserRecord user, CancellationToken cancellationToken) => inner.UpdateAsync(user, cancellationToken);

        public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);

        public Task<Page<UserRoomRecord>> ListRoomsAsync(Guid userId, PageRequest page, CancellationToken cancellationToken) => inner.ListRoomsAsync(userId, page, cancellationToken);
    }
}
