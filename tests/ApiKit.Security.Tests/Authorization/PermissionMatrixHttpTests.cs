using System.Net;
using ApiKit.Security.Authorization;
using ApiKit.Security.Jwt;
using ApiKit.Security.Tests.Jwt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Security.Tests.Authorization;

/// <summary>Every cell of the design documents' permission matrix, driven through HTTP with real bearer tokens.</summary>
public sealed class PermissionMatrixHttpTests : IAsyncLifetime
{
    // Copied from the design documents, independently of PermissionMatrixDefaults.
    private static readonly Dictionary<string, Dictionary<string, string>> Expected = new()
    {
        ["user"] = new() { ["Admin"] = "CRUD", ["Moderator"] = "R", ["User"] = "R", ["Guest"] = "" },
        ["room"] = new() { ["Admin"] = "CRUD", ["Moderator"] = "CRU", ["User"] = "CR", ["Guest"] = "R" },
        ["message"] = new() { ["Admin"] = "CRUD", ["Moderator"] = "CRUD", ["User"] = "CRU", ["Guest"] = "R" },
        ["setting"] = new() { ["Admin"] = "CRUD", ["Moderator"] = "R", ["User"] = "R", ["Guest"] = "" },
    };

    private static readonly string[] Actions = ["create", "read", "update", "delete"];

    private readonly JwtKeyRing _ring = new(JwtSigningKey.Generate("key-1", JwsAlgorithm.ES256));
    private WebApplication? _app;
    private HttpClient? _client;

    public static TheoryData<string, string, string, bool> Cells()
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (var (resource, roles) in Expected)
        {
            foreach (var (role, letters) in roles)
            {
                foreach (var action in Actions)
                {
                    data.Add(role, resource, action, letters.Contains(char.ToUpperInvariant(action[0]), StringComparison.Ordinal));
                }
            }
        }

        return data;
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddApiKitJwt(
            o =>
            {
                o.Issuer = JwtTestKit.Issuer;
                o.Audiences.Add(JwtTestKit.Audience);
            },
            _ => _ring);
        builder.Services.AddAuthentication(JwtDefaults.AuthenticationScheme).AddApiKitJwtBearer();
        builder.Services.AddApiKitPermissions();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        foreach (var resource in Expected.Keys)
        {
            foreach (var action in Actions)
            {
                _app.MapGet($"/{resource}/{action}", () => "ok").RequirePermission($"{resource}:{action}");
            }
        }

        _app.MapGet("/attribute", [RequirePermission(Permissions.SettingUpdate)] () => "ok");
        _app.MapGet("/both", () => "ok").RequirePermission(Permissions.RoomCreate, Permissions.RoomDelete);
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Get_MatrixCell_AllowsExactlyWhatTheMatrixGrants(string role, string resource, string action, bool allowed)
    {
        var response = await SendAsync($"/{resource}/{action}", Token(roles: [role]));

        Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithoutToken_Is401()
    {
        var response = await _client!.GetAsync("/message/read");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_RoleNamesFromToken_CompareCaseInsensitively()
    {
        // The design documents' token carries lower-case roles ("user", "moderator").
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/message/delete", Token(roles: ["moderator"]))).StatusCode);
    }

    [Fact]
    public async Task Get_PermissionClaimWithoutRole_IsAllowed()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/setting/delete", Token(permissions: [Permissions.SettingDelete]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync("/setting/update", Token(permissions: [Permissions.SettingDelete]))).StatusCode);
    }

    [Fact]
    public async Task Get_UnknownRole_IsForbidden()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync("/message/read", Token(roles: ["Superuser"]))).StatusCode);
    }

    [Fact]
    public async Task Get_AttributeOnHandler_RequiresThePermission()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/attribute", Token(roles: ["Admin"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync("/attribute", Token(roles: ["Moderator"]))).StatusCode);
    }

    [Fact]
    public async Task Get_SeveralPermissions_RequiresAll()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/both", Token(roles: ["Admin"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync("/both", Token(roles: ["User"]))).StatusCode);
    }

    private string Token(string[]? roles = null, string[]? permissions = null)
    {
        var options = new JwtOptions { Issuer = JwtTestKit.Issuer };
        options.Audiences.Add(JwtTestKit.Audience);
        var descriptor = new JwtTokenDescriptor { Subject = "user-1" };
        foreach (var role in roles ?? [])
        {
            descriptor.Roles.Add(role);
        }

        foreach (var permission in permissions ?? [])
        {
            descriptor.Permissions.Add(permission);
        }

        return new JwtIssuer(options, _ring, TimeProvider.System).Issue(descriptor);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return await _client!.SendAsync(request);
    }
}
