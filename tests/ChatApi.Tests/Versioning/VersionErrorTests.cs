using System.Net;
using System.Net.Http.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests.Versioning;

/// <summary>Unknown, conflicting and malformed versions: always a 4xx problem listing the supported versions, never a 500.</summary>
public sealed class VersionErrorTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    public static TheoryData<string, string?, string?, HttpStatusCode, string> Cases => new()
    {
        // path, API-Version header, Accept, status, code
        { "/api/v3/rooms/{room}/messages", null, null, HttpStatusCode.BadRequest, "ApiVersionUnsupported" },
        { "/api/rooms/{room}/messages", "3.0", null, HttpStatusCode.BadRequest, "ApiVersionUnsupported" },
        { "/api/rooms/{room}/messages?version=2024-01-15", null, null, HttpStatusCode.BadRequest, "ApiVersionUnsupported" },
        { "/api/rooms/{room}/messages", null, "application/vnd.api+json;version=3", HttpStatusCode.NotAcceptable, "ApiVersionUnsupported" },
        { "/api/v1/rooms/{room}/messages", "2", null, HttpStatusCode.BadRequest, "ApiVersionAmbiguous" },
        { "/api/v2/rooms/{room}/messages?version=1", null, null, HttpStatusCode.BadRequest, "ApiVersionAmbiguous" },
        { "/api/rooms/{room}/messages?version=1&version=2", null, null, HttpStatusCode.BadRequest, "ApiVersionAmbiguous" },
        { "/api/rooms/{room}/messages", "1", "application/vnd.api+json;version=2", HttpStatusCode.BadRequest, "ApiVersionAmbiguous" },
        { "/api/rooms/{room}/messages", "1, 2", null, HttpStatusCode.BadRequest, "ApiVersionAmbiguous" },
        { "/api/rooms/{room}/messages", "abc", null, HttpStatusCode.BadRequest, "ApiVersionInvalid" },
        { "/api/rooms/{room}/messages?version=1.x", null, null, HttpStatusCode.BadRequest, "ApiVersionInvalid" },
        { "/api/rooms/{room}/messages?version=2024-02-30", null, null, HttpStatusCode.BadRequest, "ApiVersionInvalid" },
        { "/api/v1x/rooms/{room}/messages", null, null, HttpStatusCode.BadRequest, "ApiVersionInvalid" },
        { "/api/rooms/{room}/messages", null, "application/vnd.api+json;version=", HttpStatusCode.BadRequest, "ApiVersionInvalid" },
        { "/api/rooms/{room}/messages", "1, x", null, HttpStatusCode.BadRequest, "ApiVersionInvalid" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadVersion_Returns4xxProblemWithSupportedVersions(string path, string? header, string? accept, HttpStatusCode status, string code)
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        using var request = new HttpRequestMessage(HttpMethod.Get, path.Replace("{room}", room.ToString(), StringComparison.Ordinal));
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("API-Version", header);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await factory.As(user).SendAsync(request);

        Assert.Equal("1.0, 2.0", Assert.Single(response.Headers.GetValues("api-supported-versions")));
        Assert.Equal("1.0", Assert.Single(response.Headers.GetValues("api-deprecated-versions")));
        var problem = await Task.FromResult(response).ExpectProblemAsync(status, code);
        Assert.StartsWith("https://apikit.dev/problems/api-version-", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(["1.0", "2.0"], problem.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task GarbageVersions_InEveryReader_AreNeverA5xx()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var client = factory.As(user);

        // Seeded, so a failure replays; printable ASCII biased towards what versions are made of.
        var random = new Random(20261121);
        const string Alphabet = "0123456789.-v ,;=abcxyzZ/_~!*'()";
        for (var i = 0; i < 40; i++)
        {
            var garbage = new string([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            foreach (var reader in new[] { "header", "query", "mediaType", "segment" })
            {
                using var request = reader switch
                {
                    "query" => new HttpRequestMessage(HttpMethod.Get, $"/api/rooms/{room}/messages?version={Uri.EscapeDataString(garbage)}"),
                    "segment" => new HttpRequestMessage(HttpMethod.Get, $"/api/v{Uri.EscapeDataString(garbage)}/rooms/{room}/messages"),
                    _ => new HttpRequestMessage(HttpMethod.Get, $"/api/rooms/{room}/messages"),
                };
                if (reader == "header")
                {
                    request.Headers.TryAddWithoutValidation("API-Version", garbage);
                }
                else if (reader == "mediaType")
                {
                    request.Headers.TryAddWithoutValidation("Accept", "application/vnd.api+json;version=" + garbage);
                }

                using var response = await client.SendAsync(request);

                var status = (int)response.StatusCode;
                Assert.True(status is 200 or (>= 400 and < 500), $"{reader} '{garbage}' gave {status}");
                // A segment that is not 'v' + digit is no version segment: /api/vx/... matches no route, and a 404 from
                // routing carries no version headers by ApiKit.Versioning's design.
                if (status >= 400 && status != 404)
                {
                    Assert.True(response.Headers.Contains("api-supported-versions"), $"{reader} '{garbage}' lacks api-supported-versions");
                }
            }
        }
    }

    [Fact]
    public async Task Reactions_UnderV1_Return400Unsupported()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);
        var message = await factory.SendAsync(room, user, "hi");

        await factory.As(user).PostAsJsonAsync($"/api/v1/rooms/{room}/messages/{message}/reactions", new { emoji = "👍" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "ApiVersionUnsupported");
    }

    [Fact]
    public async Task MalformedJson_UnderV1_Returns400Problem()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);

        await factory.As(user).PostRawAsync($"/api/v1/rooms/{room}/messages", "{\"content\": ")
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
    }
}
