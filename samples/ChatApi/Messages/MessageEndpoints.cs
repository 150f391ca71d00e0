using System.Security.Claims;
using ApiKit.Security.Authorization;
using ChatApi.Auth;
using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Rooms;
using ChatApi.Versioning;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Messages;

/// <summary>
/// <c>/api/{v1|v2}/rooms/{id}/messages</c>: send, list, read, edit and delete messages, and (v2) react to them. The
/// handlers speak v2; v1 requests and responses go through <see cref="ReactionsAndAttachmentsChange"/>.
/// </summary>
internal static class MessageEndpoints
{
    public static IEndpointRouteBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        var messages = app.MapGroup("/api/rooms/{id:guid}/messages").WithTags("Messages").WithVersionChanges(new ReactionsAndAttachmentsChange());

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
        messages.MapReactionEndpoints();
        return app;
    }

    private static async Task<Results<Created<MessageResponse>, ValidationProblem, ProblemHttpResult>> SendAsync(
        Guid id,
        SendMessageRequest request,
        ClaimsPrincipal principal,
        IMessageRepository messages,
        IRoomRepository rooms,
        HttpContext context,
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
        var attachments = MessageV2Rules.ToRecords(message.Id, request.Attachments, now);
        return await messages.CreateIfMemberAsync(message, attachments, cancellationToken)
            ? TypedResults.Created($"/api/{ChatApiVersions.Segment(context)}/rooms/{id}/messages/{message.Id}", MessageResponse.From(message, new MessageDetails([], attachments)))
            : Problems.Unprocessable("not_a_member", $"User '{userId}' is not a member of room '{id}'; join it before posting.");
    }

    private static async Task<Results<Ok<PageResponse<MessageResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, string? first, string? after, IMessageRepository messages, IMessageDetailsRepository details, IRoomRepository rooms, CancellationToken cancellationToken)
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
        var extras = await details.GetAsync([.. result.Items.Select(m => m.Id)], cancellationToken);
        return TypedResults.Ok(result.ToResponse(m => MessageResponse.From(m, extras.GetValueOrDefault(m.Id, MessageDetails.Empty))));
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> GetAsync(
        Guid id, Guid messageId, IMessageRepository messages, IMessageDetailsRepository details, CancellationToken cancellationToken) =>
        await messages.GetAsync(id, messageId, cancellationToken) is { } message
            ? TypedResults.Ok(await ToResponseAsync(message, details, cancellationToken))
            : MessageNotFound(id, messageId);

    internal static async Task<MessageResponse> ToResponseAsync(MessageRecord message, IMessageDetailsRepository details, CancellationToken cancellationToken) =>
        MessageResponse.From(message, (await details.GetAsync([message.Id], cancellationToken)).GetValueOrDefault(message.Id, MessageDetails.Empty));

    private static async Task<Results<Ok<MessageResponse>, ValidationProblem, ProblemHttpResult>> EditAsync(
        Guid id,
        Guid messageId,
        EditMessageRequest request,
        ClaimsPrincipal principal,
        IMessageRepository messages,
        IMessageDetailsRepository details,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
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
            ? TypedResults.Ok(await ToResponseAsync(edited, details, cancellationToken))
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

    internal static ProblemHttpResult MessageDeleted(Guid messageId) =>
        Problems.Unprocessable("message_deleted", $"Message '{messageId}' has been deleted and can no longer be edited.");

    internal static ProblemHttpResult MessageNotFound(Guid roomId, Guid messageId) =>
        Problems.NotFound("message_not_found", $"Room '{roomId}' has no message with id '{messageId}'.");
}
