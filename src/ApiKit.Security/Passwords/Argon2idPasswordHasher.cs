using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using ApiKit.Security.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiKit.Security.Passwords;

/// <summary>
/// Hashes and verifies passwords with Argon2id (RFC 9106), storing them as PHC strings
/// (<c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c>) that libsodium and the reference <c>argon2</c> tool read.
/// </summary>
/// <remarks>
/// At most <see cref="Argon2idOptions.MaxConcurrentHashes"/> hashes run at once; other callers queue before
/// any block memory is taken. Block memory comes from a pool and is wiped after every hash, as are the
/// encoded password and the computed tag.
/// </remarks>
public sealed class Argon2idPasswordHasher : IDisposable
{
    private readonly Argon2idOptions _options;
    private readonly SemaphoreSlim _gate;
    private readonly Argon2MemoryPool _pool;

    /// <summary>Creates a hasher with validated <paramref name="options"/>.</summary>
    public Argon2idPasswordHasher(IOptions<Argon2idOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var validation = new Argon2idOptionsValidator().Validate(Options.DefaultName, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(Argon2idOptions), validation.Failures);
        }

        _gate = new SemaphoreSlim(_options.MaxConcurrentHashes, _options.MaxConcurrentHashes);
        _pool = new Argon2MemoryPool(_options.MaxConcurrentHashes);
    }

    /// <summary>Gets the longest password accepted, in characters.</summary>
    public int MaxPasswordLength => _options.MaxPasswordLength;

    internal Argon2MemoryPool Pool => _pool;

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt, blocking while the concurrency cap is reached.</summary>
    /// <exception cref="ArgumentException">The password is longer than <see cref="MaxPasswordLength"/>.</exception>
    public string Hash(string password)
    {
        CheckPasswordForHashing(password);
        using var activity = SecurityTelemetry.ActivitySource.StartActivity(SecurityTelemetry.PasswordHashActivity);
        Wait();
        try
        {
            return HashCore(password, activity);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt, waiting asynchronously while the concurrency cap is reached.</summary>
    /// <exception cref="ArgumentException">The password is longer than <see cref="MaxPasswordLength"/>.</exception>
    public async ValueTask<string> HashAsync(string password, CancellationToken cancellationToken = default)
    {
        CheckPasswordForHashing(password);
        using var activity = SecurityTelemetry.ActivitySource.StartActivity(SecurityTelemetry.PasswordHashActivity);
        await WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return HashCore(password, activity);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Verifies <paramref name="password"/> against a stored PHC string in constant time. Malformed, foreign or
    /// out-of-bounds strings and oversized passwords give <see cref="PasswordVerificationResult.Failed"/>, never an exception.
    /// A match whose parameters differ from the configured ones gives <see cref="PasswordVerificationResult.SuccessRehashNeeded"/>.
    /// </summary>
    public PasswordVerificationResult Verify(string password, string? encodedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        using var activity = SecurityTelemetry.ActivitySource.StartActivity(SecurityTelemetry.PasswordVerifyActivity);
        if (!TryParseForVerification(password, encodedHash, out var parsed))
        {
            PasswordHashingMetrics.Record(activity, "verify", "rejected");
            return PasswordVerificationResult.Failed;
        }

        Wait();
        try
        {
            return VerifyCore(password, parsed, activity);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Asynchronous <see cref="Verify"/>: waits for a free slot without blocking a thread.</summary>
    public async ValueTask<PasswordVerificationResult> VerifyAsync(string password, string? encodedHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        using var activity = SecurityTelemetry.ActivitySource.StartActivity(SecurityTelemetry.PasswordVerifyActivity);
        if (!TryParseForVerification(password, encodedHash, out var parsed))
        {
            PasswordHashingMetrics.Record(activity, "verify", "rejected");
            return PasswordVerificationResult.Failed;
        }

        await WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return VerifyCore(password, parsed, activity);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Tells whether <paramref name="encodedHash"/> was made with other parameters than the configured ones (or is not a valid Argon2id hash).</summary>
    public bool NeedsRehash(string? encodedHash) =>
        !Argon2idHashString.TryParse(encodedHash, out var parsed) || NeedsRehash(parsed!);

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private bool NeedsRehash(Argon2idHashString parsed) =>
        parsed.MemoryKiB != _options.MemoryKiB
        || parsed.Iterations != _options.Iterations
        || parsed.Parallelism != _options.Parallelism
        || parsed.Salt.Length != _options.SaltLength
        || parsed.Hash.Length != _options.HashLength;

    private void Wait()
    {
        PasswordHashingMetrics.Queued.Add(1);
        try
        {
            _gate.Wait();
        }
        finally
        {
            PasswordHashingMetrics.Queued.Add(-1);
        }
    }

    private async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        PasswordHashingMetrics.Queued.Add(1);
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            PasswordHashingMetrics.Queued.Add(-1);
        }
    }

    private void CheckPasswordForHashing(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length > _options.MaxPasswordLength)
        {
            throw new ArgumentException($"The password is longer than the {_options.MaxPasswordLength} characters allowed.", nameof(password));
        }
    }

    private bool TryParseForVerification(string password, string? encodedHash, out Argon2idHashString parsed)
    {
        parsed = null!;
        if (password.Length > _options.MaxPasswordLength || !Argon2idHashString.TryParse(encodedHash, out var result))
        {
            return false;
        }

        // A stored record must not make the server allocate or spin more than it is willing to.
        if (result!.MemoryKiB > _options.MaxVerificationMemoryKiB
            || result.Iterations > Argon2idDefaults.MaxIterations
            || result.Parallelism > Argon2idDefaults.MaxParallelism)
        {
            return false;
        }

        parsed = result;
        return true;
    }

    private string HashCore(string password, Activity? activity)
    {
        Span<byte> salt = stackalloc byte[_options.SaltLength];
        RandomNumberGenerator.Fill(salt);
        Span<byte> tag = stackalloc byte[_options.HashLength];
        try
        {
            Compute(password, salt, _options.Iterations, _options.MemoryKiB, _options.Parallelism, tag);
            PasswordHashingMetrics.Record(activity, "hash", "success");
            return Argon2idHashString.Format(_options.MemoryKiB, _options.Iterations, _options.Parallelism, salt, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tag);
        }
    }

    private PasswordVerificationResult VerifyCore(string password, Argon2idHashString parsed, Activity? activity)
    {
        Span<byte> tag = stackalloc byte[parsed.Hash.Length];
        try
        {
            Compute(password, parsed.Salt, parsed.Iterations, parsed.MemoryKiB, parsed.Parallelism, tag);
            if (!CryptographicOperations.FixedTimeEquals(tag, parsed.Hash))
            {
                PasswordHashingMetrics.Record(activity, "verify", "failed");
                return PasswordVerificationResult.Failed;
            }

            var rehash = NeedsRehash(parsed);
            PasswordHashingMetrics.Record(activity, "verify", rehash ? "rehash_needed" : "success");
            return rehash ? PasswordVerificationResult.SuccessRehashNeeded : PasswordVerificationResult.Success;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tag);
        }
    }

    private void Compute(string password, ReadOnlySpan<byte> salt, int iterations, int memoryKiB, int parallelism, Span<byte> tag)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(password.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        var length = Encoding.UTF8.GetBytes(password, buffer);
        var words = Argon2Core.WorkingWords(memoryKiB, parallelism);
        var memory = _pool.Rent(words);
        try
        {
            Argon2Core.Hash(buffer[..length], salt, [], [], iterations, memoryKiB, parallelism, tag, memory, Argon2Compression.Best);
        }
        finally
        {
            _pool.Return(memory, words);
            CryptographicOperations.ZeroMemory(buffer[..length]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
