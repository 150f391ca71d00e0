using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using ApiKit.Resilience.Telemetry;

namespace ApiKit.Resilience.Bulkheads;

/// <summary>
/// A concurrency limit with a bounded queue, on <see cref="ConcurrencyLimiter"/>: at most
/// <see cref="BulkheadOptions.MaxConcurrency"/> executions run, <see cref="BulkheadOptions.QueueLimit"/> wait, the
/// rest are rejected at once (as an outcome, or <see cref="BulkheadRejectedException"/> on the throwing path).
/// </summary>
public sealed class Bulkhead : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeSpan _retryAfter;
    private readonly KeyValuePair<string, object?> _nameTag;

    /// <summary>Creates a bulkhead.</summary>
    /// <param name="options">The options; validated and copied.</param>
    /// <exception cref="ValidationException">The options are not valid.</exception>
    public Bulkhead(BulkheadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        Name = options.Name;
        _retryAfter = options.RetryAfter;
        _nameTag = new("apikit.resilience.bulkhead.name", Name);
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Gets the name of the bulkhead.</summary>
    public string Name { get; }

    /// <summary>Gets how many slots are free now.</summary>
    public long AvailableSlots => _limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;

    /// <summary>Gets how many executions are waiting now.</summary>
    public long QueuedCount => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Runs <paramref name="callback"/> when a slot is free, without throwing: a full bulkhead gives a rejected outcome.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the callback.</typeparam>
    /// <param name="callback">The call to limit.</param>
    /// <param name="state">The state passed to <paramref name="callback"/>.</param>
    /// <param name="cancellationToken">Cancels the wait and the call.</param>
    /// <returns>The outcome.</returns>
    public ValueTask<Outcome<TResult>> ExecuteOutcomeAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<TResult>> callback,
        TState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return ExecuteCoreAsync(static (s, ct) => ResiliencePipeline.Invoke(s.Callback, s.State, ct), (Callback: callback, State: state), cancellationToken);
    }

    /// <summary>Runs <paramref name="callback"/> when a slot is free; a full bulkhead throws <see cref="BulkheadRejectedException"/>.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the callback.</typeparam>
    /// <param name="callback">The call to limit.</param>
    /// <param name="state">The state passed to <paramref name="callback"/>.</param>
    /// <param name="cancellationToken">Cancels the wait and the call.</param>
    /// <returns>The result.</returns>
    public async ValueTask<TResult> ExecuteAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<TResult>> callback,
        TState state,
        CancellationToken cancellationToken = default) =>
        (await ExecuteOutcomeAsync(callback, state, cancellationToken).ConfigureAwait(false)).GetResultOrThrow();

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();

    internal ValueTask<Outcome<TResult>> ExecuteCoreAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<Outcome<TResult>>> callback,
        TState state,
        CancellationToken cancellationToken)
    {
        var lease = _limiter.AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            ValueTask<Outcome<TResult>> pending;
            try
            {
                pending = callback(state, cancellationToken);
            }
            catch
            {
                lease.Dispose();
                throw;
            }

            if (pending.IsCompletedSuccessfully)
            {
                lease.Dispose();
                return pending;
            }

            return ReleaseAfterAsync(pending, lease);
        }

        lease.Dispose();
        return WaitAsync(callback, state, cancellationToken);
    }

    private static async ValueTask<Outcome<TResult>> ReleaseAfterAsync<TResult>(ValueTask<Outcome<TResult>> pending, RateLimitLease lease)
    {
        using (lease)
        {
            return await pending.ConfigureAwait(false);
        }
    }

    private async ValueTask<Outcome<TResult>> WaitAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<Outcome<TResult>>> callback,
        TState state,
        CancellationToken cancellationToken)
    {
        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception)
        {
            return Outcome<TResult>.FromException(exception);
        }

        using (lease)
        {
            if (!lease.IsAcquired)
            {
                if (ResilienceTelemetry.BulkheadRejections.Enabled)
                {
                    ResilienceTelemetry.BulkheadRejections.Add(1, _nameTag);
                }

                ResilienceTelemetry.TagCurrent("apikit.resilience.bulkhead.rejected", Name);
                return Outcome<TResult>.Rejected(RejectionReason.BulkheadFull, _retryAfter);
            }

            return await callback(state, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Per-key bulkheads (for example one per webhook endpoint), created on first use.</summary>
/// <param name="optionsFactory">Gives the options for a key; defaults when <see langword="null"/>. The name is set to the key.</param>
public sealed class BulkheadRegistry(Func<string, BulkheadOptions>? optionsFactory = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Bulkhead>> _bulkheads = new(StringComparer.Ordinal);
    private readonly Func<string, BulkheadOptions> _optionsFactory = optionsFactory ?? (static _ => new BulkheadOptions());

    /// <summary>Gets every bulkhead created so far.</summary>
    public IEnumerable<Bulkhead> Bulkheads => _bulkheads.Values.Select(l => l.Value);

    /// <summary>Returns the bulkhead of <paramref name="key"/>, creating it on first use.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The bulkhead.</returns>
    public Bulkhead GetOrAdd(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _bulkheads.GetOrAdd(key, static (k, factory) => new Lazy<Bulkhead>(() => new Bulkhead(factory(k).WithName(k))), _optionsFactory).Value;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var bulkhead in _bulkheads.Values.Where(l => l.IsValueCreated))
        {
            bulkhead.Value.Dispose();
        }
    }
}

internal sealed class BulkheadStrategy(Bulkhead bulkhead) : ResilienceStrategy
{
    protected internal override ValueTask<Outcome<TResult>> ExecuteCoreAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<Outcome<TResult>>> callback,
        TState state,
        CancellationToken cancellationToken) =>
        bulkhead.ExecuteCoreAsync(callback, state, cancellationToken);
}

/// <summary>Adds bulkheads to a <see cref="ResiliencePipelineBuilder"/>.</summary>
public static class BulkheadPipelineBuilderExtensions
{
    /// <summary>Adds a new bulkhead.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The builder.</returns>
    public static ResiliencePipelineBuilder AddBulkhead(this ResiliencePipelineBuilder builder, BulkheadOptions options) =>
        builder.AddBulkhead(new Bulkhead(options));

    /// <summary>Adds an existing bulkhead, shared with its other users.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="bulkhead">The bulkhead.</param>
    /// <returns>The builder.</returns>
    public static ResiliencePipelineBuilder AddBulkhead(this ResiliencePipelineBuilder builder, Bulkhead bulkhead)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(bulkhead);
        return builder.AddStrategy(new BulkheadStrategy(bulkhead));
    }
}
