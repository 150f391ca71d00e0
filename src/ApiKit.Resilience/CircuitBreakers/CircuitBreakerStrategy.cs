namespace ApiKit.Resilience.CircuitBreakers;

internal sealed class CircuitBreakerStrategy(CircuitBreaker breaker) : ResilienceStrategy
{
    public CircuitBreaker Breaker { get; } = breaker;

    protected internal override ValueTask<Outcome<TResult>> ExecuteCoreAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<Outcome<TResult>>> callback,
        TState state,
        CancellationToken cancellationToken)
    {
        if (!Breaker.TryAcquire(out var permit, out var reason, out var until))
        {
            return new(Outcome<TResult>.RejectedUntil(reason, until, Breaker.TimeProvider));
        }

        var pending = callback(state, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var outcome = pending.Result;
            Breaker.RecordOutcome(in permit, in outcome, cancellationToken);
            return new(outcome);
        }

        return AwaitAsync(pending, permit, cancellationToken);
    }

    private async ValueTask<Outcome<TResult>> AwaitAsync<TResult>(ValueTask<Outcome<TResult>> pending, CircuitBreakerPermit permit, CancellationToken cancellationToken)
    {
        var outcome = await pending.ConfigureAwait(false);
        Breaker.RecordOutcome(in permit, in outcome, cancellationToken);
        return outcome;
    }
}

/// <summary>Adds circuit breakers to a <see cref="ResiliencePipelineBuilder"/>.</summary>
public static class CircuitBreakerPipelineBuilderExtensions
{
    /// <summary>Adds a new circuit breaker built from <paramref name="options"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The breaker's options.</param>
    /// <returns>The builder.</returns>
    public static ResiliencePipelineBuilder AddCircuitBreaker(this ResiliencePipelineBuilder builder, CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCircuitBreaker(new CircuitBreaker(options, builder.TimeProvider, Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<CircuitBreaker>(builder.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)));
    }

    /// <summary>Adds an existing breaker (for example one from a <see cref="CircuitBreakerRegistry"/>), shared with its other users.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="breaker">The breaker.</param>
    /// <returns>The builder.</returns>
    public static ResiliencePipelineBuilder AddCircuitBreaker(this ResiliencePipelineBuilder builder, CircuitBreaker breaker)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(breaker);
        return builder.AddStrategy(new CircuitBreakerStrategy(breaker));
    }
}
