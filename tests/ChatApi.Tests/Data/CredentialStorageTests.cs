using System.Net;
using System.Net.Http.Json;
using ChatApi.Data.Sqlite;
using ChatApi.Tests.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApi.Tests.Data;

/// <summary>What reaches the SQLite file: hashes and ciphertext, never a password, TOTP secret, backup code or key.</summary>
public sealed class CredentialStorageTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    [Fact]
    public async Task Database_HoldsNoSecretInClear()
    {
        var user = await factory.RegisterAsync();
        var client = factory.As(user.Id);
        var enrollment = await client.PostAsync("/api/v1/auth/mfa/totp", null).ExpectAsync(HttpStatusCode.OK);
        var key = (await client.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "bot" }).ExpectAsync(HttpStatusCode.Created)).GetProperty("key").GetString()!;
        var refresh = (await client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password }).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("refreshToken").GetString()!;

        var everything = await DumpAsync();

        Assert.Contains("$argon2id$v=19$", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(enrollment.GetProperty("secret").GetString()!, everything, StringComparison.Ordinal);
        foreach (var code in enrollment.GetProperty("backupCodes").EnumerateArray())
        {
            Assert.DoesNotContain(code.GetString()!.Replace("-", string.Empty, StringComparison.Ordinal), everything.Replace("-", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(key, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(refresh, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_AfterTheHashingCostChanged_RehashesThePassword()
    {
        var directory = Path.Combine(Path.GetTempPath(), "chatapi-tests-" + Guid.NewGuid().ToString("N"));
        TestUser user;
        string before;
        using (var cheap = new ChatApiFactory { DataDirectory = directory, DeleteDirectoryOnDispose = false })
        {
            user = await cheap.RegisterAsync();
            before = (string)(await ScalarAsync(cheap, $"SELECT password_hash FROM users WHERE id = '{user.Id:D}';"))!;
        }

        using var costlier = new ChatApiFactory { DataDirectory = directory, Settings = new Dictionary<string, string?> { ["Security:Argon2id:Iterations"] = "2" } };
        using var client = costlier.CreateClient();
        await client.LoginAsync(user.Username);

        var after = (string)(await ScalarAsync(costlier, $"SELECT password_hash FROM users WHERE id = '{user.Id:D}';"))!;
        Assert.Contains(",t=1,", before, StringComparison.Ordinal);
        Assert.Contains(",t=2,", after, StringComparison.Ordinal);
        await client.LoginAsync(user.Username);
    }

    private async Task<string> DumpAsync()
    {
        var connections = factory.Services.GetRequiredService<SqliteConnectionFactory>();
        await using var connection = await connections.OpenAsync(CancellationToken.None);
        var text = new System.Text.StringBuilder();
        foreach (var table in new[] { "users", "user_totp", "user_backup_codes", "api_keys", "refresh_tokens" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table};";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i) is byte[] bytes ? Convert.ToBase64String(bytes) : reader.GetValue(i)?.ToString()).Append('|');
                }
            }
        }

        return text.ToString();
    }

    private static async Task<object?> ScalarAsync(ChatApiFactory factory, string sql)
    {
        await using var connection = await factory.Services.GetRequiredService<SqliteConnectionFactory>().OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
