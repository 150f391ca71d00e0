using System.Net;
using System.Net.Http.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Settings;

public sealed class SettingEndpointsTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    [Fact]
    public async Task Create_ValidSetting_Returns201WithLocationAndIsReadable()
    {
        var key = ChatClient.UniqueName("feature.chat_v2-");

        using var response = await _client.PostAsJsonAsync("/api/v1/settings", new { key, value = "enabled" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/settings/{key}", response.Headers.Location?.OriginalString);
        var created = await response.ReadJsonAsync();
        Assert.Equal(key, created.GetProperty("key").GetString());
        var read = await _client.GetAsync($"/api/v1/settings/{key}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("enabled", read.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Create_DuplicateKey_Returns409()
    {
        var key = ChatClient.UniqueName("dup.");
        await _client.PostAsJsonAsync("/api/v1/settings", new { key, value = "a" }).ExpectAsync(HttpStatusCode.Created);

        await _client.PostAsJsonAsync("/api/v1/settings", new { key, value = "b" })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "setting_key_taken");
        var read = await _client.GetAsync($"/api/v1/settings/{key}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("a", read.GetProperty("value").GetString());
    }

    [Theory]
    [InlineData("{}", new[] { "key", "value" })]
    [InlineData("""{"key":"","value":"x"}""", new[] { "key" })]
    [InlineData("""{"key":"Upper","value":"x"}""", new[] { "key" })]
    [InlineData("""{"key":"has space","value":"x"}""", new[] { "key" })]
    [InlineData("""{"key":"slash/no","value":"x"}""", new[] { "key" })]
    [InlineData("""{"key":"ok.key"}""", new[] { "value" })]
    public async Task Create_InvalidFields_Returns400WithFieldErrors(string body, string[] fields)
    {
        await _client.PostRawAsync("/api/v1/settings", body).ExpectValidationProblemAsync(fields);
    }

    [Fact]
    public async Task Create_LengthBounds_AcceptsTheLimitsAndRejectsOneMore()
    {
        var longestKey = ChatClient.UniqueName("k").PadRight(64, 'x');
        await _client.PostAsJsonAsync("/api/v1/settings", new { key = longestKey, value = new string('v', 1024) }).ExpectAsync(HttpStatusCode.Created);
        await _client.PostAsJsonAsync("/api/v1/settings", new { key = ChatClient.UniqueName("e"), value = string.Empty }).ExpectAsync(HttpStatusCode.Created);

        await _client.PostAsJsonAsync("/api/v1/settings", new { key = longestKey + "x", value = new string('v', 1025) })
            .ExpectValidationProblemAsync("key", "value");
    }

    [Fact]
    public async Task List_ReturnsSettingsOrderedByKey()
    {
        var prefix = ChatClient.UniqueName("list.");
        foreach (var suffix in new[] { "b", "c", "a" })
        {
            await _client.PostAsJsonAsync("/api/v1/settings", new { key = $"{prefix}.{suffix}", value = suffix }).ExpectAsync(HttpStatusCode.Created);
        }

        var list = await _client.GetAsync("/api/v1/settings").ExpectAsync(HttpStatusCode.OK);

        var keys = list.EnumerateArray().Select(s => s.GetProperty("key").GetString()!).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal([$"{prefix}.a", $"{prefix}.b", $"{prefix}.c"], keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Update_ExistingSetting_ReplacesTheValue()
    {
        var key = ChatClient.UniqueName("upd.");
        await _client.PostAsJsonAsync("/api/v1/settings", new { key, value = "old" }).ExpectAsync(HttpStatusCode.Created);

        var updated = await _client.PutAsJsonAsync($"/api/v1/settings/{key}", new { value = "new" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("new", updated.GetProperty("value").GetString());
        var read = await _client.GetAsync($"/api/v1/settings/{key}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("new", read.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Update_InvalidValue_Returns400()
    {
        var key = ChatClient.UniqueName("upd.");
        await _client.PostAsJsonAsync("/api/v1/settings", new { key, value = "old" }).ExpectAsync(HttpStatusCode.Created);

        await _client.PutAsJsonAsync($"/api/v1/settings/{key}", new { value = new string('v', 1025) }).ExpectValidationProblemAsync("value");
        await _client.PutAsJsonAsync($"/api/v1/settings/{key}", new { }).ExpectValidationProblemAsync("value");
    }

    [Theory]
    [InlineData("missing.key")]
    [InlineData("NOT-A-VALID-KEY")]
    public async Task GetUpdateDelete_UnknownKey_Return404(string key)
    {
        await _client.GetAsync($"/api/v1/settings/{key}").ExpectProblemAsync(HttpStatusCode.NotFound, "setting_not_found");
        await _client.PutAsJsonAsync($"/api/v1/settings/{key}", new { value = "x" }).ExpectProblemAsync(HttpStatusCode.NotFound, "setting_not_found");
        await _client.DeleteAsync($"/api/v1/settings/{key}").ExpectProblemAsync(HttpStatusCode.NotFound, "setting_not_found");
    }

    [Fact]
    public async Task Delete_ExistingSetting_Returns204AndThen404()
    {
        var key = ChatClient.UniqueName("del.");
        await _client.PostAsJsonAsync("/api/v1/settings", new { key, value = "x" }).ExpectAsync(HttpStatusCode.Created);

        await _client.DeleteAsync($"/api/v1/settings/{key}").ExpectAsync(HttpStatusCode.NoContent);

        await _client.GetAsync($"/api/v1/settings/{key}").ExpectProblemAsync(HttpStatusCode.NotFound, "setting_not_found");
    }
}
