using System.Collections.Concurrent;

namespace ApiKit.Security.Mfa;

/// <summary>
/// An <see cref="ITotpStore"/> in process memory, for tests and development only: enrolments are lost on
/// restart and not shared between instances.
/// </summary>
public sealed class InMemoryTotpStore : ITotpStore
{
    private readonly ConcurrentDictionary<string, TotpRecord> _records = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<TotpRecord?> FindAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_records.TryGetValue(userId, out var record) ? record : null);

    /// <inheritdoc />
    public ValueTask SaveAsync(string userId, TotpRecord record, CancellationToken cancellationToken)
    {
        _records[userId] = record;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> TryAdvanceLastUsedStepAsync(string userId, long timeStep, CancellationToken cancellationToken)
    {
        while (_records.TryGetValue(userId, out var current))
        {
            if (current.LastUsedStep >= timeStep)
            {
                return ValueTask.FromResult(false);
            }

            if (_records.TryUpdate(userId, current with { LastUsedStep = timeStep }, current))
            {
                return ValueTask.FromResult(true);
            }
        }

        return ValueTask.FromResult(false);
    }

    /// <inheritdoc />
    public ValueTask DeleteAsync(string userId, CancellationToken cancellationToken)
    {
        _records.TryRemove(userId, out _);
        return ValueTask.CompletedTask;
    }
}
