using System.Data.Common;

namespace ChatApi.Data;

/// <summary>
/// A change the outside world hears about (as a webhook event). Repositories raise it inside the transaction that
/// makes the change, so it is published if and only if the change commits.
/// </summary>
internal abstract record ChatChange;

internal sealed record UserCreated(UserRecord User) : ChatChange;

internal sealed record UserUpdated(UserRecord User) : ChatChange;

internal sealed record RoomCreated(RoomRecord Room) : ChatChange;

internal sealed record MemberJoined(MemberRecord Member) : ChatChange;

internal sealed record MessageSent(MessageRecord Message) : ChatChange;

internal sealed record MessageEdited(MessageRecord Message) : ChatChange;

internal sealed record MessageDeleted(MessageRecord Message) : ChatChange;

/// <summary>Records changes in the transactional outbox that lives in the same database as the data.</summary>
internal interface IChatChangeOutbox
{
    /// <summary>Enqueues <paramref name="change"/> within <paramref name="transaction"/>: a rollback discards it with the change.</summary>
    Task EnqueueAsync(ChatChange change, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the delivery side that a transaction with enqueued changes has just committed, so it delivers them now
    /// rather than at its next poll.
    /// </summary>
    void Committed();
}
