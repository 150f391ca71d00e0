using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace ApiKit.Security.Mfa;

/// <summary>
/// An <see cref="IBackupCodeStore"/> in process memory, for tests and development only: codes are lost on
/// restart and not shared between instances.
/// </summary>
public sealed class InMemoryBackupCodeStore : IBackupCodeStore
{
    private readonly ConcurrentDictionary<string, ImmutableList<string>> _hashes = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetHashesAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>(_hashes.TryGetValue(userId, out var list) ? list : []);

    /// <inheritdoc />
    public ValueTask ReplaceAsync(string userId, IReadOnlyList<string> hashes, CancellationToken cancellationToken)
    {
        _hashes[userId] = [.. hashes];
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> TryRemoveAsync(string userId, string hash, CancellationToken cancellationToken)
    {
        while (_hashes.TryGetValue(userId, out var current))
        {
            var index = current.IndexOf(hash, StringComparer.Ordinal);
            if (index < 0)
            {
                return ValueTask.FromResult(false);
            }

            if (_hashes.TryUpdate(userId, current.RemoveAt(index), current))
            {
                return ValueTask.FromResult(true);
            }
        }

        return ValueTask.FromResult(false);
    }
}
