using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Rooms;

/// <summary><c>/api/v1/rooms/{id}/members</c>: join, list and leave a room.</summary>
internal static class MemberEndpoints
{
    public static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/v1/rooms/{id:guid}/members").WithTags("Members");

        members.MapPost("/", JoinAsync).WithName("JoinRoom").WithSummary("Adds the user to the room (409 when already a member).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        members.MapGet("/", ListAsync).WithName("ListMembers").WithSummary("Lists the members of a room in the order they joined.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        members.MapGet("/{userId:guid}", GetAsync).WithName("GetMember").WithSummary("Reads one membership.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        members.MapDelete("/{userId:guid}", LeaveAsync).WithName("LeaveRoom").WithSummary("Removes the user from the room.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<MemberResponse>, ValidationProblem, ProblemHttpResult>> JoinAsync(
        Guid id, JoinRoomRequest request, IRoomRepository rooms, IUserRepository users, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        if (!await rooms.ExistsAsync(id, cancellationToken))
        {
            return RoomEndpoints.RoomNotFound(id);
        }

        var userId = request.UserId!.Value;
        if (!await users.ExistsAsync(userId, cancellationToken))
        {
            return UserEndpoints.UnknownUser("userId", userId);
        }

        switch (await rooms.AddMemberAsync(id, userId, timeProvider.GetUtcNow(), cancellationToken))
        {
            case WriteResult.Duplicate:
                return Problems.Conflict("already_member", $"User '{userId}' already is a member of room '{id}'.");
            case WriteResult.NotFound:
                // The room or the user was deleted since the checks above.
                return await rooms.ExistsAsync(id, cancellationToken) ? UserEndpoints.UnknownUser("userId", userId) : RoomEndpoints.RoomNotFound(id);
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
        Guid id, Guid userId, IRoomRepository rooms, CancellationToken cancellationToken) =>
        await rooms.RemoveMemberAsync(id, userId, cancellationToken) ? TypedResults.NoContent() : NotAMember(id, userId);

    private static ProblemHttpResult NotAMember(Guid roomId, Guid userId) =>
        Problems.NotFound("member_not_found", $"User '{userId}' is not a member of room '{roomId}' (or the room does not exist).");
}
