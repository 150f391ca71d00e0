namespace ApiKit.Security.Tokens;

/// <summary>
/// A process-local <see cref="IRefreshTokenStore"/> for tests, samples and single-instance development. Tokens are
/// lost on restart and not shared between instances: use a durable store in production.
/// </summary>
public sealed class InMemoryRefreshTokenStore : IRefreshTokenStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RefreshTokenRecord> _byHash = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byFamily = new(StringComparer.Ordinal);
    private readonly HashSet<string> _revokedFamilies = new(StringComparer.Ordinal);

    /// <summary>Gets the number of stored records.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byHash.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> AddAsync(RefreshTokenRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (_revokedFamilies.Contains(record.FamilyId) || !_byHash.TryAdd(record.TokenHash, record))
            {
                return ValueTask.FromResult(false);
            }

            if (!_byFamily.TryGetValue(record.FamilyId, out var members))
            {
                _byFamily[record.FamilyId] = members = [];
            }

            members.Add(record.TokenHash);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<RefreshTokenRecord?> FindAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_byHash.GetValueOrDefault(tokenHash));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryConsumeAsync(string tokenHash, DateTimeOffset consumedAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_byHash.TryGetValue(tokenHash, out var record) || record.ConsumedAt is not null || record.RevokedAt is not null)
            {
                return ValueTask.FromResult(false);
            }

            _byHash[tokenHash] = CopyOf(record, consumedAt, record.RevokedAt);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> RevokeFamilyAsync(string familyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(RevokeFamily(familyId, revokedAt));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> RevokeSubjectAsync(string subject, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var families = _byHash.Values.Where(r => string.Equals(r.Subject, subject, StringComparison.Ordinal)).Select(r => r.FamilyId).Distinct(StringComparer.Ordinal).ToList();
            return ValueTask.FromResult(families.Sum(f => RevokeFamily(f, revokedAt)));
        }
    }

    private int RevokeFamily(string familyId, DateTimeOffset revokedAt)
    {
        _revokedFamilies.Add(familyId);
        var revoked = 0;
        foreach (var hash in _byFamily.GetValueOrDefault(familyId) ?? [])
        {
            var record = _byHash[hash];
            if (record.RevokedAt is null)
            {
                _byHash[hash] = CopyOf(record, record.ConsumedAt, revokedAt);
                revoked++;
            }
        }

        return revoked;
    }

    private static RefreshTokenRecord CopyOf(RefreshTokenRecord r, DateTimeOffset? consumedAt, DateTimeOffset? revokedAt) => new()
    {
        TokenHash = r.TokenHash,
        FamilyId = r.FamilyId,
        Subject = r.Subject,
        CreatedAt = r.CreatedAt,
        ExpiresAt = r.ExpiresAt,
        FamilyExpiresAt = r.FamilyExpiresAt,
        ConsumedAt = consumedAt,
        RevokedAt = revokedAt,
    };
}
