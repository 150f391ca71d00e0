namespace ApiKit.Resilience.Saga;

/// <summary>A saga store in memory, for tests and single-process use where losing progress on restart is acceptable.</summary>
public sealed class InMemorySagaStore : ISagaStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SagaRecord> _records = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask CreateAsync(SagaRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            if (!_records.TryAdd(record.Id, Stored(record, 0)))
            {
                throw new SagaConcurrencyException($"Saga '{record.Id}' already exists.");
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> TryUpdateAsync(SagaRecord record, int expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            if (!_records.TryGetValue(record.Id, out var current) || current.Version != expectedVersion)
            {
                return ValueTask.FromResult(false);
            }

            _records[record.Id] = Stored(record, expectedVersion + 1);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<SagaRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_records.TryGetValue(id, out var record) ? record.Clone() : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SagaRecord>> GetUnfinishedAsync(string sagaName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<SagaRecord> open = [.. _records.Values
                .Where(r => r.SagaName == sagaName && !r.IsFinished)
                .OrderBy(r => r.UpdatedAt)
                .Select(r => r.Clone())];
            return ValueTask.FromResult(open);
        }
    }

    private static SagaRecord Stored(SagaRecord record, int version)
    {
        var copy = record.Clone();
        copy.Version = version;
        return copy;
    }
}
