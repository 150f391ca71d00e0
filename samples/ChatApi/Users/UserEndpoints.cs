using ApiKit.Security.Authorization;
using ChatApi.Auth;
using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Users;

/// <summary><c>/api/v1/users</c>: create, read, list, update and delete users, and list a user's rooms.</summary>
internal static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users");

        users.MapPost("/", CreateAsync).WithName("CreateUser").WithSummary("Creates a user without a password (Admins; people register themselves); 409 if the username is taken.")
            .RequirePermission(Permissions.UserCreate)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("Lists users, oldest first, one page at a time.")
            .RequirePermission(Permissions.UserRead);
        users.MapGet("/{id:guid}", GetAsync).WithName("GetUser").WithSummary("Reads a user.")
            .RequirePermission(Permissions.UserRead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPut("/{id:guid}", ReplaceAsync).WithName("ReplaceUser").WithSummary("Replaces a user's username, e-mail and display name (Admins).")
            .RequirePermission(Permissions.UserUpdate)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPatch("/{id:guid}", PatchAsync).WithName("PatchUser").WithSummary("Changes the fields that are present in the body (Admins).")
            .RequirePermission(Permissions.UserUpdate)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPut("/{id:guid}/role", SetRoleAsync).WithName("SetUserRole").WithSummary("Gives a user a role of the permission matrix: Admin, Moderator, User or Guest (Admins).")
            .RequirePermission(Permissions.UserUpdate)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteUser").WithSummary("Deletes a user and their memberships; their messages stay without an author (Admins).")
            .RequirePermission(Permissions.UserDelete)
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapGet("/{id:guid}/rooms", ListRoomsAsync).WithName("ListUserRooms").WithSummary("Lists the rooms a user belongs to, in the order they joined.")
            .RequirePermission(Permissions.UserRead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        UserRequest request, IUserRepository repository, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        var now = timeProvider.GetUtcNow();
        var user = new UserRecord(Guid.CreateVersion7(now), request.Username!, request.Email!, UserRules.NormalizeDisplayName(request.DisplayName), now, now);
        return await repository.CreateAsync(user, passwordHash: null, cancellationToken) == WriteResult.Duplicate
            ? UsernameTaken(user.Username)
            : TypedResults.Created($"/api/v1/users/{user.Id}", UserResponse.From(user));
    }

    private static async Task<Results<Ok<PageResponse<UserResponse>>, ValidationProblem>> ListAsync(
        string? first, string? after, IUserRepository repository, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(first, after, out var page, out var errors))
        {
            return Problems.Validation(errors);
        }

        var result = await repository.ListAsync(page, cancellationToken);
        return TypedResults.Ok(result.ToResponse(UserResponse.From));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(Guid id, IUserRepository repository, CancellationToken cancellationToken) =>
        await repository.GetAsync(id, cancellationToken) is { } user ? TypedResults.Ok(UserResponse.From(user)) : UserNotFound(id);

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        Guid id, UserRequest request, IUserRepository repository, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        if (await repository.GetAsync(id, cancellationToken) is not { } user)
        {
            return UserNotFound(id);
        }

        return await SaveAsync(
            user with { Username = request.Username!, Email = request.Email!, DisplayName = UserRules.NormalizeDisplayName(request.DisplayName), UpdatedAt = timeProvider.GetUtcNow() },
            repository,
            cancellationToken);
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        Guid id, PatchUserRequest request, IUserRepository repository, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        if (await repository.GetAsync(id, cancellationToken) is not { } user)
        {
            return UserNotFound(id);
        }

        return await SaveAsync(
            user with
            {
                Username = request.Username ?? user.Username,
                Email = request.Email ?? user.Email,
                DisplayName = request.DisplayName is null ? user.DisplayName : UserRules.NormalizeDisplayName(request.DisplayName),
                UpdatedAt = timeProvider.GetUtcNow(),
            },
            repository,
            cancellationToken);
    }

    private static async Task<Results<Ok<UserRoleResponse>, ValidationProblem, ProblemHttpResult>> SetRoleAsync(
        Guid id, UserRoleRequest request, IUserRepository repository, CancellationToken cancellationToken)
    {
        if (ChatRoles.Normalize(request.Role) is not { } role)
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["role"] = [$"'role' must be one of {string.Join(", ", ChatRoles.All)}."],
            });
        }

        // The new role applies from the user's next login or token refresh (access tokens carry the role).
        return await repository.SetRoleAsync(id, role, cancellationToken) ? TypedResults.Ok(new UserRoleResponse(id, role)) : UserNotFound(id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, IUserRepository repository, CancellationToken cancellationToken) =>
        await repository.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : UserNotFound(id);

    private static async Task<Results<Ok<PageResponse<RoomResponse>>, ValidationProblem, ProblemHttpResult>> ListRoomsAsync(
        Guid id, string? first, string? after, IUserRepository repository, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(first, after, out var page, out var errors))
        {
            return Problems.Validation(errors);
        }

        if (!await repository.ExistsAsync(id, cancellationToken))
        {
            return UserNotFound(id);
        }

        var result = await repository.ListRoomsAsync(id, page, cancellationToken);
        return TypedResults.Ok(result.ToResponse(r => RoomResponse.From(r.Room)));
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        UserRecord user, IUserRepository repository, CancellationToken cancellationToken) =>
        await repository.UpdateAsync(user, cancellationToken) switch
        {
            WriteResult.Success => TypedResults.Ok(UserResponse.From(user)),
            WriteResult.Duplicate => UsernameTaken(user.Username),
            _ => UserNotFound(user.Id),
        };

    internal static ProblemHttpResult UserNotFound(Guid id) => Problems.NotFound("user_not_found", $"There is no user with id '{id}'.");

    private static ProblemHttpResult UsernameTaken(string username) =>
        Problems.Conflict("username_taken", $"The username '{username}' is already taken.");
}
