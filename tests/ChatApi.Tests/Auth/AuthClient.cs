using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatApi.Data;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApi.Tests.Auth;

/// <summary>A registered user and the password they registered with.</summary>
internal sealed record TestUser(Guid Id, string Username, string Password);

/// <summary>
/// Registers users, logs them in through <c>POST /api/v1/auth/login</c> and hands out clients that send their bearer
/// token. Every user made here has <see cref="DefaultPassword"/>.
/// </summary>
internal static class AuthClient
{
    public const string DefaultPassword = "correct horse battery staple";

    private static readonly ConditionalWeakTable<ChatApiFactory, ConcurrentDictionary<Guid, HttpClient>> Sessions = [];

    /// <summary>Registers a user through <c>POST /api/v1/auth/register</c> (anonymous).</summary>
    public static async Task<TestUser> RegisterAsync(this HttpClient client, string? username = null, string password = DefaultPassword)
    {
        username ??= ChatClient.UniqueName("user");
        var user = await client.PostAsJsonAsync("/api/v1/auth/register", new { username, email = $"{username}@example.com", password })
            .ExpectAsync(HttpStatusCode.Created);
        return new TestUser(user.GetProperty("id").GetGuid(), username, password);
    }

    /// <summary>Registers a user and gives them <paramref name="role"/> (straight in the database, as an operator would).</summary>
    public static async Task<TestUser> RegisterAsync(this ChatApiFactory factory, string role = "User", string? username = null)
    {
        using var anonymous = factory.CreateClient();
        var user = await anonymous.RegisterAsync(username);
        if (role != "User")
        {
            Assert.True(await factory.Services.GetRequiredService<IUserRepository>().SetRoleAsync(user.Id, role, CancellationToken.None));
        }

        return user;
    }

    /// <summary>Logs in through HTTP and returns the token response.</summary>
    public static async Task<System.Text.Json.JsonElement> LoginAsync(this HttpClient client, string username, string password = DefaultPassword) =>
        await client.PostAsJsonAsync("/api/v1/auth/login", new { username, password }).ExpectAsync(HttpStatusCode.OK);

    /// <summary>
    /// Returns a client that acts as the user <paramref name="userId"/> (registered with <see cref="DefaultPassword"/>):
    /// it logs in on first use and again when its token is near expiry on the factory's clock. Clients are cached per
    /// user and disposed with the factory; do not dispose them.
    /// </summary>
    public static HttpClient As(this ChatApiFactory factory, Guid userId) =>
        Sessions.GetOrCreateValue(factory).GetOrAdd(userId, id => factory.CreateDefaultClient(new BearerHandler(factory, id)));

    /// <summary>Returns a client for a fresh user with <paramref name="role"/>, registered and logged in lazily on first use.</summary>
    public static HttpClient CreateClientWithRole(this ChatApiFactory factory, string role) =>
        factory.CreateDefaultClient(new BearerHandler(factory, role));

    /// <summary>Returns a client for a fresh Admin: the matrix grants it every operation.</summary>
    public static HttpClient CreateAdminClient(this ChatApiFactory factory) => factory.CreateClientWithRole("Admin");

    /// <summary>Adds <c>Authorization: Bearer</c> with a token from a real login.</summary>
    private sealed class BearerHandler : DelegatingHandler
    {
        private static readonly TimeSpan Renewal = TimeSpan.FromMinutes(10);

        private readonly ChatApiFactory _factory;
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly string? _role;
        private Guid? _userId;
        private string? _username;
        private string? _token;
        private DateTimeOffset _obtainedAt;

        public BearerHandler(ChatApiFactory factory, Guid userId)
        {
            _factory = factory;
            _userId = userId;
        }

        public BearerHandler(ChatApiFactory factory, string role)
        {
            _factory = factory;
            _role = role;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetTokenAsync());
            return await base.SendAsync(request, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _gate.Dispose();
            }

            base.Dispose(disposing);
        }

        private async Task<string> GetTokenAsync()
        {
            await _gate.WaitAsync();
            try
            {
                var now = _factory.Time.GetUtcNow();
                if (_token is null || now - _obtainedAt > Renewal)
                {
                    if (_userId is null)
                    {
                        var registered = await _factory.RegisterAsync(_role!);
                        (_userId, _username) = (registered.Id, registered.Username);
                    }

                    _username ??= (await _factory.Services.GetRequiredService<IUserRepository>().GetAsync(_userId.Value, CancellationToken.None))?.Username
                        ?? throw new InvalidOperationException($"User {_userId} does not exist (any more).");
                    using var anonymous = _factory.CreateClient();
                    _token = (await anonymous.LoginAsync(_username)).GetProperty("accessToken").GetString()!;
                    _obtainedAt = now;
                }

                return _token;
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
