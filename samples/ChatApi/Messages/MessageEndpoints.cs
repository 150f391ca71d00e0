using System.Security.Claims;
using ApiKit.Security.Authorization;
using ChatApi.Auth;
using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Rooms;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Messages;

/// <summary><c>/api/v1/rooms/{id}/messages</c>: send, list, read, edit and delete messages.</summary>
internal static class MessageEndpoints
{
    public static IEndpointRouteBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        var messages = app.MapGroup("/api/v1/rooms/{id:guid}/messages").WithTags("Messages");

        messages.MapPost("/", SendAsync).WithName("SendMessage").WithSummary("Posts a message as the current user, who must be a member of the room (422 otherwise).")
            .RequirePermission(Permissions.MessageCreate)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        messages.MapGet("/", ListAsync).WithName("ListMessages").WithSummary("Lists a room's messages, oldest first, tombstones included.")
            .RequirePermission(Permissions.MessageRead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        messages.MapGet("/{messageId:guid}", GetAsync).WithName("GetMessage").WithSummary("Reads a message.")
            .RequirePermission(Permissions.MessageRead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        messages.MapPatch("/{messageId:guid}", EditAsync).WithName("EditMessage").WithSummary("Replaces the content; only the author may edit (403), and never a deleted message (422).")
            .RequirePermission(Permissions.MessageUpdate)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        messages.MapDelete("/{messageId:guid}", DeleteAsync).WithName("DeleteMessage").WithSummary("Deletes a message, leaving a tombstone: Admins, Moderators and the room's owner.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<MessageResponse>, ValidationProblem, ProblemHttpResult>> SendAsync(
        Guid id,
        SendMessageRequest request,
        ClaimsPrincipal principal,
        IMessageRepository messages,
        IRoomRepository rooms,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        if (!await rooms.ExistsAsync(id, cancellationToken))
        {
            return RoomEndpoints.RoomNotFound(id);
        }

        var userId = principal.Id();
        var now = timeProvider.GetUtcNow();
        var message = new MessageRecord(Guid.CreateVersion7(now), id, userId, request.Content!, now, null, null);
        return await messages.CreateIfMemberAsync(message, cancellationToken)
            ? TypedResults.Created($"/api/v1/rooms/{id}/messages/{message.Id}", MessageResponse.From(message))
            : Problems.Unprocessable("not_a_member", $"User '{userId}' is not a member of room '{id}'; join it before posting.");
    }

    private static async Task<Results<Ok<PageResponse<MessageResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, string? first, string? after, IMessageRepository messages, IRoomRepository rooms, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(first, after, out var page, out var errors))
        {
            return Problems.Validation(errors);
        }

        if (!await rooms.ExistsAsync(id, cancellationToken))
        {
            return RoomEndpoints.RoomNotFound(id);
        }

        var result = await messages.ListAsync(id, page, cancellationToken);
        return TypedResults.Ok(result.ToResponse(MessageResponse.From));
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> GetAsync(
        Guid id, Guid messageId, IMessageRepository messages, CancellationToken cancellationToken) =>
        await messages.GetAsync(id, messageId, cancellationToken) is { } message
            ? TypedResults.Ok(MessageResponse.From(message))
            : MessageNotFound(id, messageId);

    private static async Task<Results<Ok<MessageResponse>, ValidationProblem, ProblemHttpResult>> EditAsync(
        Guid id, Guid messageId, EditMessageRequest request, ClaimsPrincipal principal, IMessageRepository messages, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        var userId = principal.Id();
        var message = await messages.GetAsync(id, messageId, cancellationToken);
        if (message is null)
        {
            return MessageNotFound(id, messageId);
        }

        // Stricter than the matrix's ownership exemption: nobody, not even an Admin, puts words in an author's mouth.
        if (message.AuthorId != userId)
        {
            return Problems.Forbidden("not_the_author", $"Only the author of message '{messageId}' may edit it.");
        }

        if (message.IsDeleted)
        {
            return MessageDeleted(messageId);
        }

        // The update re-checks both rules in SQL: a delete that slipped in since the read is still a 422.
        if (!await messages.EditAsync(id, messageId, userId, request.Content!, timeProvider.GetUtcNow(), cancellationToken))
        {
            return MessageDeleted(messageId);
        }

        return await messages.GetAsync(id, messageId, cancellationToken) is { } edited
            ? TypedResults.Ok(MessageResponse.From(edited))
            : MessageNotFound(id, messageId);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id,
        Guid messageId,
        ClaimsPrincipal principal,
        IMessageRepository messages,
        IRoomRepository rooms,
        IAuthorizationService authorization,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var message = await messages.GetAsync(id, messageId, cancellationToken);
        var room = await rooms.GetAsync(id, cancellationToken);
        if (message is null || room is null)
        {
            return MessageNotFound(id, messageId);
        }

        if (!(await authorization.AuthorizePermissionAsync(principal, new MessageResource(message, room.CreatedBy), Permissions.MessageDelete)).Succeeded)
        {
            return Problems.Forbidden(Permissions.MessageDelete);
        }

        return await messages.DeleteAsync(id, messageId, timeProvider.GetUtcNow(), cancellationToken)
            ? TypedResults.NoContent()
            : MessageNotFound(id, messageId);
    }

    private static ProblemHttpResult MessageDeleted(Guid messageId) =>
        Problems.Unprocessable("message_deleted", $"Message '{messageId}' has been deleted and can no longer be edited.");

    private static ProblemHttpResult MessageNotFound(Guid roomId, Guid messageId) =>
        Problems.NotFound("message_not_found", $"Room '{roomId}' has no message with id '{messageId}'.");
}
