using System.Security.Claims;
using ApiKit.Security.Authorization;
using ChatApi.Auth;
using ChatApi.Data;
using ChatApi.Infrastructure;
using ChatApi.Versioning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Messages;

/// <summary>
/// <c>/api/v2/rooms/{id}/messages/{messageId}/reactions</c> (v2 only): members add and remove their own emoji
/// reactions. Reacting is a form of posting, so it needs <see cref="Permissions.MessageCreate"/> and membership.
/// </summary>
internal static class ReactionEndpoints
{
    public static RouteGroupBuilder MapReactionEndpoints(this RouteGroupBuilder messages)
    {
        var reactions = messages.MapGroup("/{messageId:guid}/reactions");
        reactions.MapPost("/", AddAsync).WithName("AddReaction")
            .WithSummary("Adds the current user's reaction (201; 200 when it was already there). The user must be a member of the room (422 otherwise).")
            .MapToApiVersion(ChatApiVersions.V2)
            .RequirePermission(Permissions.MessageCreate)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        reactions.MapDelete("/", RemoveAsync).WithName("RemoveReaction")
            .WithSummary("Removes the current user's reaction given by the 'emoji' query parameter (404 when there is none).")
            .MapToApiVersion(ChatApiVersions.V2)
            .RequirePermission(Permissions.MessageCreate)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return messages;
    }

    private static async Task<Results<Created<MessageResponse>, Ok<MessageResponse>, ValidationProblem, ProblemHttpResult>> AddAsync(
        Guid id,
        Guid messageId,
        AddReactionRequest request,
        ClaimsPrincipal principal,
        IMessageRepository messages,
        IMessageDetailsRepository details,
        TimeProvider timeProvider,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        var message = await messages.GetAsync(id, messageId, cancellationToken);
        if (message is null)
        {
            return MessageEndpoints.MessageNotFound(id, messageId);
        }

        if (message.IsDeleted)
        {
            return Problems.Unprocessable("message_deleted", $"Message '{messageId}' has been deleted and can no longer get reactions.");
        }

        var userId = principal.Id();
        var result = await details.AddReactionIfMemberAsync(id, new ReactionRecord(messageId, userId, request.Emoji!, timeProvider.GetUtcNow()), cancellationToken);
        if (result == ReactionWriteResult.NotMember)
        {
            return NotAMember(id, userId);
        }

        var response = await MessageEndpoints.ToResponseAsync(message, details, cancellationToken);
        return result == ReactionWriteResult.Added
            ? TypedResults.Created($"/api/{ChatApiVersions.Segment(context)}/rooms/{id}/messages/{messageId}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveAsync(
        Guid id,
        Guid messageId,
        string? emoji,
        ClaimsPrincipal principal,
        IMessageRepository messages,
        IMessageDetailsRepository details,
        IRoomRepository rooms,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        MessageV2Rules.Emoji(errors, "emoji", emoji);
        if (errors.HasErrors)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        if (await messages.GetAsync(id, messageId, cancellationToken) is null)
        {
            return MessageEndpoints.MessageNotFound(id, messageId);
        }

        var userId = principal.Id();
        if (await rooms.GetMemberAsync(id, userId, cancellationToken) is null)
        {
            return NotAMember(id, userId);
        }

        return await details.RemoveReactionAsync(messageId, userId, emoji!, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("reaction_not_found", $"User '{userId}' has no '{emoji}' reaction on message '{messageId}'.");
    }

    private static ProblemHttpResult NotAMember(Guid roomId, Guid userId) =>
        Problems.Unprocessable("not_a_member", $"User '{userId}' is not a member of room '{roomId}'; join it before reacting.");
}
