using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ChatApi.Tests.Auth;
using FsCheck;
using FsCheck.Fluent;

namespace ChatApi.Tests.Infrastructure;

/// <summary>Whatever a client sends, the answer is a 4xx problem, never a 500.</summary>
public sealed class BadInputTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateAdminClient();

    [Theory]
    [InlineData("""{"username":""")]
    [InlineData("""{"username":"abc","email":"a@example.com"}}""")]
    [InlineData("not json at all")]
    [InlineData("""{'username':'single quotes'}""")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    public async Task MalformedJson_Returns400Problem(string body)
    {
        var problem = await _client.PostRawAsync("/api/v1/users", body).ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
    }

    [Theory]
    [InlineData("/api/v1/users", """{"username":123,"email":"a@example.com"}""", "username")]
    [InlineData("/api/v1/users", """{"username":"valid","email":true}""", "email")]
    [InlineData("/api/v1/users", """{"username":["a"],"email":"a@example.com"}""", "username")]
    [InlineData("/api/v1/rooms", """{"name":"r","description":5}""", "description")]
    [InlineData("/api/v1/rooms", """{"name":{"nested":1}}""", "name")]
    [InlineData("/api/v1/auth/register", """{"username":"u1","email":"u1@example.com","password":12345678}""", "password")]
    [InlineData("/api/v1/auth/login", """{"username":"u1","password":["x"]}""", "password")]
    public async Task WrongJsonType_Returns400NamingTheField(string url, string body, string field)
    {
        await _client.PostRawAsync(url, body).ExpectValidationProblemAsync(field);
    }

    [Fact]
    public async Task WrongJsonType_OnNestedRoute_Returns400NamingTheField()
    {
        var user = await _client.CreateUserAsync();
        var room = await factory.CreateRoomAsync(user);

        await factory.As(user).PostRawAsync($"/api/v1/rooms/{room}/messages", """{"content":7}""").ExpectValidationProblemAsync("content");
        var message = await factory.SendAsync(room, user, "x");
        await factory.As(user).PatchAsync($"/api/v1/rooms/{room}/messages/{message}", new StringContent("""{"content":{"a":1}}""", System.Text.Encoding.UTF8, "application/json"))
            .ExpectValidationProblemAsync("content");
    }

    [Fact]
    public async Task ArrayInsteadOfObject_ReportsTheBodyItself()
    {
        var problem = await _client.PostRawAsync("/api/v1/users", "[]").ExpectValidationProblemAsync("$");

        Assert.Contains("JSON object", problem.GetProperty("errors").GetProperty("$")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NullBody_Returns400Problem()
    {
        await _client.PostRawAsync("/api/v1/users", "null").ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task EmptyBody_Returns400Problem()
    {
        await _client.PostRawAsync("/api/v1/users", string.Empty).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DeeplyNestedJson_Returns400Problem()
    {
        var body = "{\"username\":" + new string('[', 100) + new string(']', 100) + "}";

        await _client.PostRawAsync("/api/v1/users", body).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task NonJsonContentType_Returns415Problem()
    {
        var problem = await _client.PostRawAsync("/api/v1/users", """{"username":"abc","email":"a@example.com"}""", "text/plain")
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingContentType_Returns415Problem()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"username":"abc","email":"a@example.com"}"""));

        await _client.PostAsync("/api/v1/users", content).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task MergePatchContentType_IsAccepted()
    {
        var id = await _client.CreateUserAsync();
        var content = new StringContent("""{"displayName":"Merged"}""", Encoding.UTF8, "application/merge-patch+json");

        var user = await _client.PatchAsync($"/api/v1/users/{id}", content).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Merged", user.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task OversizedBody_Returns413Problem()
    {
        var body = $$"""{"username":"big","email":"big@example.com","displayName":"{{new string('x', 70 * 1024)}}"}""";

        await _client.PostRawAsync("/api/v1/users", body).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task BodyJustUnderTheLimit_IsReadAndValidated()
    {
        var body = $$"""{"username":"big","email":"big@example.com","displayName":"{{new string('x', 60 * 1024)}}"}""";

        await _client.PostRawAsync("/api/v1/users", body).ExpectValidationProblemAsync("displayName");
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        var problem = await _client.GetAsync("/api/v1/nothing-here").ExpectProblemAsync(HttpStatusCode.NotFound);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task UnsupportedMethod_Returns405Problem()
    {
        await _client.PutAsync("/api/v1/users", new StringContent("{}", Encoding.UTF8, "application/json")).ExpectProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task ArbitraryBodies_NeverAnswer500()
    {
        // Bounded: 60 random bodies, each one request against the in-memory server.
        var config = Config.QuickThrowOnFailure.WithMaxTest(60);
        Check.One(config, Prop.ForAll(ArbMap.Default.ArbFor<string>(), body =>
        {
            using var content = new StringContent(body ?? string.Empty, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = _client.PostAsync("/api/v1/users", content).GetAwaiter().GetResult();
            var status = (int)response.StatusCode;
            return status is >= 200 and < 500 && (status < 400 || response.Content.Headers.ContentType?.MediaType == "application/problem+json");
        }));
    }
}
