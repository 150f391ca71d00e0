using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChatApi.Tests.Auth;

namespace ChatApi.Tests;

/// <summary>Thin helpers over <see cref="HttpClient"/> for the ChatApi's resources and its error shape.</summary>
internal static class ChatClient
{
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static async Task<JsonElement> ExpectAsync(this Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        if (body.Length == 0)
        {
            return default;
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 response: status, media type, and the members every problem carries here.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this Task<HttpResponseMessage> request, HttpStatusCode status, string? code = null)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.StartsWith("00-", problem.GetProperty("traceId").GetString(), StringComparison.Ordinal);
        if (code is not null)
        {
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }

        return problem;
    }

    /// <summary>Asserts a 400 validation problem whose <c>errors</c> name exactly the given fields.</summary>
    public static async Task<JsonElement> ExpectValidationProblemAsync(this Task<HttpResponseMessage> request, params string[] fields)
    {
        var problem = await request.ExpectProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (var field in errors.EnumerateObject())
        {
            Assert.NotEmpty(field.Value.EnumerateArray());
        }

        return problem;
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PostAsync(url, new StringContent(body, Encoding.UTF8, contentType));

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, object body) =>
        client.PatchAsync(url, JsonContent.Create(body));

    /// <summary>Registers a user (anonymous; password <see cref="AuthClient.DefaultPassword"/>) and returns their id; act as them with <c>factory.As(id)</c>.</summary>
    public static async Task<Guid> CreateUserAsync(this HttpClient client, string? username = null) =>
        (await AuthClient.RegisterAsync(client, username)).Id;

    /// <summary>Creates a room as <paramref name="createdBy"/>, who owns it.</summary>
    public static async Task<Guid> CreateRoomAsync(this ChatApiFactory factory, Guid createdBy, string? name = null)
    {
        var room = await factory.As(createdBy).PostAsJsonAsync("/api/v1/rooms", new { name = name ?? UniqueName("room") }).ExpectAsync(HttpStatusCode.Created);
        return room.GetProperty("id").GetGuid();
    }

    public static Task JoinAsync(this ChatApiFactory factory, Guid roomId, Guid userId) =>
        factory.As(userId).PostAsync($"/api/v1/rooms/{roomId}/members", null).ExpectAsync(HttpStatusCode.Created);

    public static async Task<Guid> SendAsync(this ChatApiFactory factory, Guid roomId, Guid userId, string content)
    {
        var message = await factory.As(userId).PostAsJsonAsync($"/api/v1/rooms/{roomId}/messages", new { content }).ExpectAsync(HttpStatusCode.Created);
        return message.GetProperty("id").GetGuid();
    }

    /// <summary>Reads every page of a list with page size <paramref name="first"/>, running <paramref name="betweenPages"/> after each page.</summary>
    public static async Task<List<JsonElement>> ReadAllPagesAsync(this HttpClient client, string url, int first, Func<int, Task>? betweenPages = null)
    {
        var items = new List<JsonElement>();
        string? after = null;
        for (var page = 0; page < 1000; page++)
        {
            var query = after is null ? $"?first={first}" : $"?first={first}&after={Uri.EscapeDataString(after)}";
            var body = await client.GetAsync(url + query).ExpectAsync(HttpStatusCode.OK);
            var pageItems = body.GetProperty("items").EnumerateArray().ToList();
            Assert.True(pageItems.Count <= first);
            items.AddRange(pageItems);
            var pageInfo = body.GetProperty("pageInfo");
            if (!pageInfo.GetProperty("hasNextPage").GetBoolean())
            {
                return items;
            }

            Assert.Equal(first, pageItems.Count);
            after = pageInfo.GetProperty("endCursor").GetString();
            if (betweenPages is not null)
            {
                await betweenPages(page);
            }
        }

        throw new InvalidOperationException("The list did not end within 1000 pages.");
    }
}
