using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChatApi.Tests.Auth;

public sealed class AuthEndpointsTests(ChatApiFactory factory) : IClassFixture<ChatApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Register_ValidBody_Returns201WithoutThePassword()
    {
        var username = ChatClient.UniqueName("reg");
        using var response = await _client.PostAsJsonAsync("/api/v1/auth/register", new { username, email = $"{username}@example.com", password = AuthClient.DefaultPassword });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("/api/v1/users/", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("argon2", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Register_TakenUsername_Returns409()
    {
        var user = await _client.RegisterAsync();

        await _client.PostAsJsonAsync("/api/v1/auth/register", new { username = user.Username.ToUpperInvariant(), email = "x@example.com", password = AuthClient.DefaultPassword })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "username_taken");
    }

    [Theory]
    [InlineData("short")]
    [InlineData("")]
    [InlineData(257)]
    [InlineData(60_000)]
    public async Task Register_BadPassword_Returns400NeverA500(object? password)
    {
        var value = password is int length ? new string('p', length) : (string?)password;
        var username = ChatClient.UniqueName("reg");

        var problem = await _client.PostAsJsonAsync("/api/v1/auth/register", new { username, email = $"{username}@example.com", password = value })
            .ExpectValidationProblemAsync("password");

        Assert.Contains("256", problem.GetProperty("errors").GetProperty("password")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_MissingPassword_Returns400()
    {
        var username = ChatClient.UniqueName("reg");

        await _client.PostAsJsonAsync("/api/v1/auth/register", new { username, email = $"{username}@example.com" }).ExpectValidationProblemAsync("password");
    }

    [Fact]
    public async Task Login_RightPassword_Returns200()
    {
        var user = await _client.RegisterAsync();

        var body = await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(user.Id, body.GetProperty("userId").GetGuid());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("secondFactor").ValueKind);
    }

    [Fact]
    public async Task Login_UsernameInAnotherCase_Returns200()
    {
        var user = await _client.RegisterAsync();

        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username.ToUpperInvariant(), password = user.Password }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Login_WrongPassword_Returns401InvalidCredentials()
    {
        var user = await _client.RegisterAsync();

        var problem = await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password + "!" })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");

        Assert.DoesNotContain(user.Password, problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_UnknownUser_AnswersExactlyLikeAWrongPassword()
    {
        var user = await _client.RegisterAsync();

        var unknown = await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = "nobody-" + user.Username, password = user.Password })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        var wrong = await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = "wrong password" })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");

        Assert.Equal(wrong.GetProperty("detail").GetString(), unknown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Login_UserWithoutPassword_Returns401()
    {
        // An Admin creates accounts without a password (POST /api/v1/users): nobody can log in to them.
        using var admin = factory.CreateAdminClient();
        var username = ChatClient.UniqueName("nopass");
        await admin.PostAsJsonAsync("/api/v1/users", new { username, email = $"{username}@example.com" }).ExpectAsync(HttpStatusCode.Created);

        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username, password = "anything at all" })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Theory]
    [InlineData(257)]
    [InlineData(60_000)]
    public async Task Login_OversizedPassword_Returns400NeverA500(int length)
    {
        var user = await _client.RegisterAsync();

        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = new string('p', length) })
            .ExpectValidationProblemAsync("password");
    }

    [Fact]
    public async Task Login_MissingFields_Returns400()
    {
        await _client.PostAsJsonAsync("/api/v1/auth/login", new { }).ExpectValidationProblemAsync("username", "password");
    }

    [Fact]
    public async Task Login_BothSecondFactors_Returns400()
    {
        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = "someone", password = "whatever", totpCode = "123456", backupCode = "AAAA-BBBB-CCCC" })
            .ExpectValidationProblemAsync("backupCode");
    }

    [Fact]
    public async Task Mfa_WithoutAuthentication_Returns401()
    {
        using var response = await _client.PostAsync("/api/v1/auth/mfa/totp", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Enroll_ReturnsOtpAuthUriAndBackupCodes()
    {
        var user = await _client.RegisterAsync();
        var client = factory.As(user.Id);

        var enrollment = await client.PostAsync("/api/v1/auth/mfa/totp", null).ExpectAsync(HttpStatusCode.OK);

        var uri = enrollment.GetProperty("otpAuthUri").GetString()!;
        Assert.StartsWith("otpauth://totp/ChatApi:" + user.Username + "?secret=" + enrollment.GetProperty("secret").GetString(), uri, StringComparison.Ordinal);
        Assert.Contains("issuer=ChatApi", uri, StringComparison.Ordinal);
        Assert.Equal(10, enrollment.GetProperty("backupCodes").GetArrayLength());
    }

    [Fact]
    public async Task Confirm_WrongCode_Returns422AndMfaStaysOff()
    {
        var user = await _client.RegisterAsync();
        var client = factory.As(user.Id);
        var secret = (await client.PostAsync("/api/v1/auth/mfa/totp", null).ExpectAsync(HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        var wrong = Totp.Code(secret, factory.Time.GetUtcNow().AddMinutes(10));

        await client.PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = wrong }).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid_totp_code");
        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Confirm_WithoutEnrollment_Returns409()
    {
        var user = await _client.RegisterAsync();
        var client = factory.As(user.Id);

        await client.PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = "123456" }).ExpectProblemAsync(HttpStatusCode.Conflict, "no_pending_enrollment");
    }

    [Fact]
    public async Task Confirm_MissingCode_Returns400()
    {
        var user = await _client.RegisterAsync();
        var client = factory.As(user.Id);

        await client.PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { }).ExpectValidationProblemAsync("code");
    }

    [Fact]
    public async Task Login_WithMfa_RequiresASecondFactor()
    {
        var (user, _, _) = await EnrollAsync();

        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "mfa_required");
    }

    [Fact]
    public async Task Login_WithMfaAndWrongPassword_SaysNothingAboutMfa()
    {
        var (user, secret, _) = await EnrollAsync();
        factory.Time.Advance(TimeSpan.FromSeconds(30));

        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = "wrong password", totpCode = Totp.Code(secret, factory.Time.GetUtcNow()) })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Login_TotpCode_WorksOnceThenIsAReplay()
    {
        var (user, secret, _) = await EnrollAsync();
        factory.Time.Advance(TimeSpan.FromSeconds(30));
        var code = Totp.Code(secret, factory.Time.GetUtcNow());

        var body = await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, totpCode = code }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("totp", body.GetProperty("secondFactor").GetString());

        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, totpCode = code })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "totp_code_replayed");

        factory.Time.Advance(TimeSpan.FromSeconds(30));
        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, totpCode = Totp.Code(secret, factory.Time.GetUtcNow()) })
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Login_ConfirmationCodeCannotBeReplayedForLogin()
    {
        var (user, _, confirmationCode) = await EnrollAsync();

        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, totpCode = confirmationCode })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "totp_code_replayed");
    }

    [Fact]
    public async Task Login_WrongTotpCode_Returns401()
    {
        var (user, _, _) = await EnrollAsync();

        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, totpCode = "000000x" })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_totp_code");
    }

    [Fact]
    public async Task Login_RepeatedWrongCodes_LockTheSecondFactorWith429()
    {
        var (user, secret, _) = await EnrollAsync();
        for (var i = 0; i < 5; i++)
        {
            await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, totpCode = "999999" })
                .ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_totp_code");
        }

        factory.Time.Advance(TimeSpan.FromSeconds(30));
        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, totpCode = Totp.Code(secret, factory.Time.GetUtcNow()) })
            .ExpectProblemAsync(HttpStatusCode.TooManyRequests, "mfa_locked_out");
    }

    [Fact]
    public async Task Login_BackupCode_WorksOnce()
    {
        var (user, _, _) = await EnrollAsync();
        var codes = await RegenerateAsync(user);

        var body = await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, backupCode = codes[0].ToLowerInvariant() })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("backup_code", body.GetProperty("secondFactor").GetString());

        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, backupCode = codes[0] })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_backup_code");
        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, backupCode = codes[1] })
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RegenerateBackupCodes_OldCodesStopWorking()
    {
        var (user, _, _) = await EnrollAsync();
        var old = await RegenerateAsync(user);
        var fresh = await RegenerateAsync(user);

        Assert.Empty(old.Intersect(fresh));
        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, backupCode = old[0] })
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_backup_code");
        await _client.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password, backupCode = fresh[0] })
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RegenerateBackupCodes_WithoutMfa_Returns409()
    {
        var user = await _client.RegisterAsync();
        var client = factory.As(user.Id);

        await client.PostAsync("/api/v1/auth/mfa/backup-codes", null).ExpectProblemAsync(HttpStatusCode.Conflict, "mfa_not_enabled");
    }

    [Fact]
    public async Task Enroll_WhenAlreadyEnabled_Returns409()
    {
        var (user, _, _) = await EnrollAsync();
        var client = factory.As(user.Id);

        await client.PostAsync("/api/v1/auth/mfa/totp", null).ExpectProblemAsync(HttpStatusCode.Conflict, "mfa_already_enabled");
    }

    [Fact]
    public async Task ApiKeys_CreateUseListRevoke()
    {
        var user = await _client.RegisterAsync();
        var owner = factory.As(user.Id);

        var created = await owner.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "ci bot", expiresInDays = 30 }).ExpectAsync(HttpStatusCode.Created);
        var key = created.GetProperty("key").GetString()!;
        var keyId = created.GetProperty("keyId").GetString()!;
        Assert.StartsWith("chat_" + keyId + "_", key, StringComparison.Ordinal);
        Assert.Equal(factory.Time.GetUtcNow().AddDays(30), created.GetProperty("expiresAt").GetDateTimeOffset());

        using var bot = factory.CreateClient();
        bot.DefaultRequestHeaders.Add("X-API-Key", key);
        var list = await bot.GetAsync("/api/v1/auth/api-keys").ExpectAsync(HttpStatusCode.OK);
        var listed = Assert.Single(list.EnumerateArray(), k => k.GetProperty("keyId").GetString() == keyId);
        Assert.Equal("ci bot", listed.GetProperty("name").GetString());
        Assert.DoesNotContain(key, list.GetRawText(), StringComparison.Ordinal);

        await owner.DeleteAsync($"/api/v1/auth/api-keys/{keyId}").ExpectAsync(HttpStatusCode.NoContent);
        using var refused = await bot.GetAsync("/api/v1/auth/api-keys");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");
        Assert.Contains("revoked", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeys_RevokeSomeoneElsesKey_Returns404()
    {
        var alice = factory.As((await _client.RegisterAsync()).Id);
        var bob = factory.As((await _client.RegisterAsync()).Id);
        var keyId = (await alice.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "alice's bot" }).ExpectAsync(HttpStatusCode.Created)).GetProperty("keyId").GetString();

        await bob.DeleteAsync($"/api/v1/auth/api-keys/{keyId}").ExpectProblemAsync(HttpStatusCode.NotFound, "api_key_not_found");
        await alice.DeleteAsync($"/api/v1/auth/api-keys/{keyId}").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task ApiKeys_BadBody_Returns400()
    {
        var client = factory.As((await _client.RegisterAsync()).Id);

        await client.PostAsJsonAsync("/api/v1/auth/api-keys", new { name = "", expiresInDays = 0 }).ExpectValidationProblemAsync("name", "expiresInDays");
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("chat_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB")]
    public async Task ApiKeys_GarbageKey_Returns401ProblemNeverA500(string key)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", key);

        await client.GetAsync("/api/v1/auth/api-keys").ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<(TestUser User, string Secret, string ConfirmationCode)> EnrollAsync()
    {
        var user = await _client.RegisterAsync();
        var client = factory.As(user.Id);
        var secret = (await client.PostAsync("/api/v1/auth/mfa/totp", null).ExpectAsync(HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        var code = Totp.Code(secret, factory.Time.GetUtcNow());
        await client.PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code }).ExpectAsync(HttpStatusCode.NoContent);
        return (user, secret, code);
    }

    private async Task<string[]> RegenerateAsync(TestUser user)
    {
        var client = factory.As(user.Id);
        var body = await client.PostAsync("/api/v1/auth/mfa/backup-codes", null).ExpectAsync(HttpStatusCode.OK);
        return [.. body.GetProperty("backupCodes").EnumerateArray().Select(c => c.GetString()!)];
    }
}
