using System.Security.Cryptography;
using System.Text;
using ApiKit.Security.Jwt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Tokens;

/// <summary>The rotation logic over an <see cref="IRefreshTokenStore"/>; the token itself never reaches the store or the log.</summary>
internal sealed partial class RefreshTokenService : IRefreshTokenService
{
    private const int TokenBytes = 32;
    private const int TokenLength = 43; // base64url of 32 bytes, unpadded

    private readonly IRefreshTokenStore _store;
    private readonly RefreshTokenOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RefreshTokenService> _logger;

    public RefreshTokenService(IRefreshTokenStore store, IOptions<RefreshTokenOptions> options, TimeProvider timeProvider, ILogger<RefreshTokenService> logger)
    {
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask<RefreshTokenResult> IssueAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var now = _timeProvider.GetUtcNow();
        var familyId = Base64UrlStrict.Encode(RandomNumberGenerator.GetBytes(16));
        return await IssueInFamilyAsync(subject, familyId, now, now + _options.FamilyLifetime, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<RefreshTokenResult> RotateAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        if (Hash(refreshToken) is not { } hash)
        {
            return RefreshTokenResult.Failure(RefreshTokenStatus.Invalid);
        }

        var record = await _store.FindAsync(hash, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return RefreshTokenResult.Failure(RefreshTokenStatus.Invalid);
        }

        if (record.RevokedAt is not null)
        {
            return RefreshTokenResult.Failure(RefreshTokenStatus.Revoked, record.Subject, record.FamilyId);
        }

        var now = _timeProvider.GetUtcNow();
        if (record.ConsumedAt is null && (now >= record.ExpiresAt || now >= record.FamilyExpiresAt))
        {
            return RefreshTokenResult.Failure(RefreshTokenStatus.Expired, record.Subject, record.FamilyId);
        }

        // Losing the race to consume means someone else used this token too: treat it exactly like a replay.
        if (record.ConsumedAt is not null || !await _store.TryConsumeAsync(hash, now, cancellationToken).ConfigureAwait(false))
        {
            await _store.RevokeFamilyAsync(record.FamilyId, now, cancellationToken).ConfigureAwait(false);
            LogReuse(_logger, record.FamilyId, record.Subject);
            return RefreshTokenResult.Failure(RefreshTokenStatus.Reused, record.Subject, record.FamilyId);
        }

        return await IssueInFamilyAsync(record.Subject, record.FamilyId, now, record.FamilyExpiresAt, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> RevokeAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        if (Hash(refreshToken) is not { } hash || await _store.FindAsync(hash, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return false;
        }

        await _store.RevokeFamilyAsync(record.FamilyId, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    public ValueTask<int> RevokeAllAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return _store.RevokeSubjectAsync(subject, _timeProvider.GetUtcNow(), cancellationToken);
    }

    internal static string? Hash(string? token)
    {
        if (token is null || token.Length != TokenLength)
        {
            return null;
        }

        Span<byte> raw = stackalloc byte[TokenBytes];
        if (!Base64UrlStrict.TryDecode(token, raw, out var written) || written != TokenBytes)
        {
            return null;
        }

        // The token carries 256 bits of entropy, so a plain SHA-256 is a sufficient one-way store key (no salt or stretching needed).
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(token), digest);
        return Base64UrlStrict.Encode(digest);
    }

    private async ValueTask<RefreshTokenResult> IssueInFamilyAsync(string subject, string familyId, DateTimeOffset now, DateTimeOffset familyExpiresAt, CancellationToken cancellationToken)
    {
        var token = Base64UrlStrict.Encode(RandomNumberGenerator.GetBytes(TokenBytes));
        var expiresAt = now + _options.Lifetime < familyExpiresAt ? now + _options.Lifetime : familyExpiresAt;
        var record = new RefreshTokenRecord
        {
            TokenHash = Hash(token)!,
            FamilyId = familyId,
            Subject = subject,
            CreatedAt = now,
            ExpiresAt = expiresAt,
            FamilyExpiresAt = familyExpiresAt,
        };

        // The family may have been revoked between consuming the old token and storing this one.
        return await _store.AddAsync(record, cancellationToken).ConfigureAwait(false)
            ? RefreshTokenResult.Success(token, subject, familyId, expiresAt)
            : RefreshTokenResult.Failure(RefreshTokenStatus.Revoked, subject, familyId);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Refresh token reuse detected; family {FamilyId} of subject {Subject} revoked")]
    private static partial void LogReuse(ILogger logger, string familyId, string subject);
}
