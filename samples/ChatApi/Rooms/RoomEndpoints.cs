using System.Security.Claims;
using ApiKit.Security.Authorization;
using ChatApi.Auth;
using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Rooms;

/// <summary><c>/api/v1/rooms</c>: create, read, list, rename and delete rooms.</summary>
internal static class RoomEndpoints
{
    public static IEndpointRouteBuilder MapRoomEndpoints(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms").WithTags("Rooms");

        rooms.MapPost("/", CreateAsync).WithName("CreateRoom").WithSummary("Creates a room owned by the current user, who becomes its first member.")
            .RequirePermission(Permissions.RoomCreate)
            .ProducesProblem(StatusCodes.Status409Conflict);
        rooms.MapGet("/", ListAsync).WithName("ListRooms").WithSummary("Lists rooms, oldest first, one page at a time.")
            .RequirePermission(Permissions.RoomRead);
        rooms.MapGet("/{id:guid}", GetAsync).WithName("GetRoom").WithSummary("Reads a room.")
            .RequirePermission(Permissions.RoomRead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        rooms.MapPatch("/{id:guid}", PatchAsync).WithName("PatchRoom").WithSummary("Changes the fields that are present in the body: the room's owner, Moderators and Admins.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        rooms.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteRoom").WithSummary("Deletes a room with its memberships and messages: the room's owner and Admins.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<RoomResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateRoomRequest request, ClaimsPrincipal principal, IRoomRepository rooms, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        var creator = principal.Id();

        var now = timeProvider.GetUtcNow();
        var room = new RoomRecord(Guid.CreateVersion7(now), request.Name!, RoomRules.NormalizeDescription(request.Description), creator, now, now);
        return await rooms.CreateAsync(room, cancellationToken) switch
        {
            WriteResult.Success => TypedResults.Created($"/api/v1/rooms/{room.Id}", RoomResponse.From(room)),
            WriteResult.Duplicate => NameTaken(room.Name),
            _ => UserEndpoints.UserNotFound(creator),
        };
    }

    private static async Task<Results<Ok<PageResponse<RoomResponse>>, ValidationProblem>> ListAsync(
        string? first, string? after, IRoomRepository rooms, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(first, after, out var page, out var errors))
        {
            return Problems.Validation(errors);
        }

        var result = await rooms.ListAsync(page, cancellationToken);
        return TypedResults.Ok(result.ToResponse(RoomResponse.From));
    }

    private static async Task<Results<Ok<RoomResponse>, ProblemHttpResult>> GetAsync(Guid id, IRoomRepository rooms, CancellationToken cancellationToken) =>
        await rooms.GetAsync(id, cancellationToken) is { } room ? TypedResults.Ok(RoomResponse.From(room)) : RoomNotFound(id);

    private static async Task<Results<Ok<RoomResponse>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        Guid id,
        PatchRoomRequest request,
        ClaimsPrincipal principal,
        IRoomRepository rooms,
        IAuthorizationService authorization,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        if (await rooms.GetAsync(id, cancellationToken) is not { } room)
        {
            return RoomNotFound(id);
        }

        if (!(await authorization.AuthorizePermissionAsync(principal, new RoomResource(room), Permissions.RoomUpdate)).Succeeded)
        {
            return Problems.Forbidden(Permissions.RoomUpdate);
        }

        var updated = room with
        {
            Name = request.Name ?? room.Name,
            Description = request.Description is null ? room.Description : RoomRules.NormalizeDescription(request.Description),
            UpdatedAt = timeProvider.GetUtcNow(),
        };
        return await rooms.UpdateAsync(updated, cancellationToken) switch
        {
            WriteResult.Success => TypedResults.Ok(RoomResponse.From(updated)),
            WriteResult.Duplicate => NameTaken(updated.Name),
            _ => RoomNotFound(id),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal principal, IRoomRepository rooms, IAuthorizationService authorization, CancellationToken cancellationToken)
    {
        if (await rooms.GetAsync(id, cancellationToken) is not { } room)
        {
            return RoomNotFound(id);
        }

        if (!(await authorization.AuthorizePermissionAsync(principal, new RoomResource(room), Permissions.RoomDelete)).Succeeded)
        {
            return Problems.Forbidden(Permissions.RoomDelete);
        }

        return await rooms.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : RoomNotFound(id);
    }

    internal static ProblemHttpResult RoomNotFound(Guid id) => Problems.NotFound("room_not_found", $"There is no room with id '{id}'.");

    private static ProblemHttpResult NameTaken(string name) => Problems.Conflict("room_name_taken", $"The room name '{name}' is already taken.");
}
