using System.Net;
using System.Net.Http.Json;
using ApiKit.Security.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApi.Tests.Auth;

/// <summary>A registered user and the password they registered with.</summary>
internal sealed record TestUser(Guid Id, string Username, string Password);

/// <summary>Registers users and hands out clients that act as them.</summary>
internal static class AuthClient
{
    public const string DefaultPassword = "correct horse battery staple";

    public static async Task<TestUser> RegisterAsync(this HttpClient client, string? username = null, string password = DefaultPassword)
    {
        username ??= ChatClient.UniqueName("user");
        var user = await client.PostAsJsonAsync("/api/v1/auth/register", new { username, email = $"{username}@example.com", password })
            .ExpectAsync(HttpStatusCode.Created);
        return new TestUser(user.GetProperty("id").GetGuid(), username, password);
    }

    /// <summary>Returns a client that authenticates as <paramref name="user"/> with an API key made for it.</summary>
    public static async Task<HttpClient> ClientForAsync(this ChatApiFactory factory, TestUser user)
    {
        var apiKeys = factory.Services.GetRequiredService<ApiKeyManager>();
        var created = await apiKeys.CreateAsync(user.Id.ToString("D"), ["chat"], name: "test");
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", created.Key);
        return client;
    }
}
