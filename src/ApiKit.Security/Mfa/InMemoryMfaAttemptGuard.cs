using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Mfa;

/// <summary>
/// Counts consecutive failed second-factor attempts per user in process memory and locks the user out for
/// <see cref="MfaLockoutOptions.LockoutDuration"/> after <see cref="MfaLockoutOptions.MaxFailedAttempts"/>.
/// Suits a single instance; a farm needs a shared implementation of <see cref="IMfaAttemptGuard"/>.
/// </summary>
public sealed class InMemoryMfaAttemptGuard(IOptions<MfaLockoutOptions> options, TimeProvider timeProvider) : IMfaAttemptGuard
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly MfaLockoutOptions _options = options?.Value ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc />
    public ValueTask<bool> IsLockedOutAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_entries.TryGetValue(userId, out var entry) && entry.LockedUntil > timeProvider.GetUtcNow());

    /// <inheritdoc />
    public ValueTask RecordFailureAsync(string userId, MfaMethod method, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        _entries.AddOrUpdate(
            userId,
            static (_, state) => Next(new Entry(0, DateTimeOffset.MinValue), state.now, state.options),
            static (_, current, state) => Next(current, state.now, state.options),
            (now, options: _options));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RecordSuccessAsync(string userId, MfaMethod method, CancellationToken cancellationToken)
    {
        _entries.TryRemove(userId, out _);
        return ValueTask.CompletedTask;
    }

    private static Entry Next(Entry current, DateTimeOffset now, MfaLockoutOptions options)
    {
        // A lockout that has run out starts a fresh count.
        var failures = current.LockedUntil != DateTimeOffset.MinValue && current.LockedUntil <= now ? 1 : current.Failures + 1;
        return failures >= options.MaxFailedAttempts
            ? new Entry(failures, now + options.LockoutDuration)
            : new Entry(failures, current.LockedUntil > now ? current.LockedUntil : DateTimeOffset.MinValue);
    }

    private readonly record struct Entry(int Failures, DateTimeOffset LockedUntil);
}
