using System.Security.Claims;
using ApiKit.Security.Authorization;
using ChatApi.Auth;
using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Rooms;

/// <summary><c>/api/v1/rooms/{id}/members</c>: join, list and leave a room.</summary>
internal static class MemberEndpoints
{
    public static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/rooms/{id:guid}/members").WithTags("Members");

        members.MapPost("/", JoinAsync).WithName("JoinRoom").WithSummary("Adds the current user to the room (409 when already a member); no body.")
            .RequirePermission(ChatRoles.RoomJoinPermission)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        members.MapGet("/", ListAsync).WithName("ListMembers").WithSummary("Lists the members of a room in the order they joined.")
            .RequirePermission(Permissions.RoomRead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        members.MapGet("/{userId:guid}", GetAsync).WithName("GetMember").WithSummary("Reads one membership.")
            .RequirePermission(Permissions.RoomRead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        members.MapDelete("/{userId:guid}", LeaveAsync).WithName("LeaveRoom").WithSummary("Removes a member: anyone may leave; Admins, Moderators and the room's owner may remove others.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<MemberResponse>, ProblemHttpResult>> JoinAsync(
        Guid id, ClaimsPrincipal principal, IRoomRepository rooms, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!await rooms.ExistsAsync(id, cancellationToken))
        {
            return RoomEndpoints.RoomNotFound(id);
        }

        var userId = principal.Id();
        switch (await rooms.AddMemberAsync(id, userId, timeProvider.GetUtcNow(), cancellationToken))
        {
            case WriteResult.Duplicate:
                return Problems.Conflict("already_member", $"User '{userId}' already is a member of room '{id}'.");
            case WriteResult.NotFound:
                // The room or the user was deleted since the checks above.
                return await rooms.ExistsAsync(id, cancellationToken) ? UserEndpoints.UserNotFound(userId) : RoomEndpoints.RoomNotFound(id);
        }

        // Read back rather than assemble, so the response shows what is stored (and a concurrent delete shows as 404).
        return await rooms.GetMemberAsync(id, userId, cancellationToken) is { } member
            ? TypedResults.Created($"/api/v1/rooms/{id}/members/{userId}", MemberResponse.From(member))
            : RoomEndpoints.RoomNotFound(id);
    }

    private static async Task<Results<Ok<PageResponse<MemberResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, string? first, string? after, IRoomRepository rooms, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(first, after, out var page, out var errors))
        {
            return Problems.Validation(errors);
        }

        if (!await rooms.ExistsAsync(id, cancellationToken))
        {
            return RoomEndpoints.RoomNotFound(id);
        }

        var result = await rooms.ListMembersAsync(id, page, cancellationToken);
        return TypedResults.Ok(result.ToResponse(MemberResponse.From));
    }

    private static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> GetAsync(
        Guid id, Guid userId, IRoomRepository rooms, CancellationToken cancellationToken) =>
        await rooms.GetMemberAsync(id, userId, cancellationToken) is { } member
            ? TypedResults.Ok(MemberResponse.From(member))
            : NotAMember(id, userId);

    private static async Task<Results<NoContent, ProblemHttpResult>> LeaveAsync(
        Guid id, Guid userId, ClaimsPrincipal principal, IRoomRepository rooms, IAuthorizationService authorization, CancellationToken cancellationToken)
    {
        if (userId != principal.Id())
        {
            // Removing someone else moderates the room: the room's owner, or a role that may update any room.
            if (await rooms.GetAsync(id, cancellationToken) is not { } room || await rooms.GetMemberAsync(id, userId, cancellationToken) is null)
            {
                return NotAMember(id, userId);
            }

            if (!(await authorization.AuthorizePermissionAsync(principal, new MembershipResource(userId, room.CreatedBy), Permissions.RoomUpdate)).Succeeded)
            {
                return Problems.Forbidden(Permissions.RoomUpdate);
            }
        }

        return await rooms.RemoveMemberAsync(id, userId, cancellationToken) ? TypedResults.NoContent() : NotAMember(id, userId);
    }

    private static ProblemHttpResult NotAMember(Guid roomId, Guid userId) =>
        Problems.NotFound("member_not_found", $"User '{userId}' is not a member of room '{roomId}' (or the room does not exist).");
}
