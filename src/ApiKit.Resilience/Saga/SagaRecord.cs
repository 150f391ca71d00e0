namespace ApiKit.Resilience.Saga;

/// <summary>Where a saga stands.</summary>
public enum SagaStatus
{
    /// <summary>Steps are being executed; <see cref="SagaRecord.Step"/> is the step running (or about to run).</summary>
    Running = 0,

    /// <summary>Steps are being undone; <see cref="SagaRecord.Step"/> is the next step to compensate, counting down.</summary>
    Compensating = 1,

    /// <summary>Every step ran.</summary>
    Completed = 2,

    /// <summary>Every step that may have had an effect was compensated.</summary>
    Compensated = 3,
}

/// <summary>The persisted progress of one saga.</summary>
public sealed class SagaRecord
{
    /// <summary>Gets or sets the saga's identifier (unique in the store).</summary>
    public required string Id { get; set; }

    /// <summary>Gets or sets the name of the saga definition.</summary>
    public required string SagaName { get; set; }

    /// <summary>Gets or sets the status.</summary>
    public SagaStatus Status { get; set; }

    /// <summary>Gets or sets the index of the step running, or of the next step to compensate.</summary>
    public int Step { get; set; }

    /// <summary>Gets or sets the saga's data, serialised as JSON.</summary>
    public required string Data { get; set; }

    /// <summary>Gets or sets the version, incremented by every write; stores reject writes based on an older one.</summary>
    public int Version { get; set; }

    /// <summary>Gets or sets the last error that moved the saga to compensation or stopped a compensation.</summary>
    public string? Error { get; set; }

    /// <summary>Gets or sets when the record was last written.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Gets whether the saga still has work to do.</summary>
    public bool IsFinished => Status is SagaStatus.Completed or SagaStatus.Compensated;

    internal SagaRecord Clone() => (SagaRecord)MemberwiseClone();
}

/// <summary>What a run or a resumption of a saga ended with.</summary>
/// <param name="SagaId">The saga's identifier.</param>
/// <param name="Status">The status it ended in; <see cref="SagaStatus.Compensating"/> means a compensation kept failing and the saga waits to be resumed.</param>
/// <param name="Error">The last error, if any.</param>
public sealed record SagaResult(string SagaId, SagaStatus Status, string? Error);

/// <summary>Thrown when a saga's record was changed by someone else (another instance resumed it) since it was read.</summary>
public sealed class SagaConcurrencyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SagaConcurrencyException()
        : base("The saga was changed by another instance.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public SagaConcurrencyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public SagaConcurrencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Persists saga progress. Writes are optimistic: a write based on an old version is refused.</summary>
public interface ISagaStore
{
    /// <summary>Stores a new record (version 0).</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is durable.</returns>
    /// <exception cref="SagaConcurrencyException">A saga with that identifier exists.</exception>
    ValueTask CreateAsync(SagaRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the record if its stored version is still <paramref name="expectedVersion"/>; the stored version becomes <c>expectedVersion + 1</c>.</summary>
    /// <param name="record">The new content (its <see cref="SagaRecord.Version"/> is ignored).</param>
    /// <param name="expectedVersion">The version the change is based on.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether the write happened.</returns>
    ValueTask<bool> TryUpdateAsync(SagaRecord record, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>Reads one record.</summary>
    /// <param name="id">The saga's identifier.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    ValueTask<SagaRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Reads every record of <paramref name="sagaName"/> that is running or compensating, oldest first.</summary>
    /// <param name="sagaName">The saga definition's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    ValueTask<IReadOnlyList<SagaRecord>> GetUnfinishedAsync(string sagaName, CancellationToken cancellationToken);
}
