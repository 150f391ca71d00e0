namespace ApiKit.Resilience;

/// <summary>
/// One layer of a <see cref="ResiliencePipeline"/>. A strategy receives the rest of the pipeline as a callback that
/// never throws (failures come back as <see cref="Outcome{TResult}"/>), decides whether and how often to call it,
/// and returns an outcome itself. Implementations must not throw either.
/// </summary>
public abstract class ResilienceStrategy
{
    /// <summary>Runs the strategy around <paramref name="callback"/>.</summary>
    /// <typeparam name="TResult">The type of the result.</typeparam>
    /// <typeparam name="TState">The type of the state passed to <paramref name="callback"/>.</typeparam>
    /// <param name="callback">The rest of the pipeline; it never throws.</param>
    /// <param name="state">The state to pass to <paramref name="callback"/>.</param>
    /// <param name="cancellationToken">The caller's cancellation token.</param>
    /// <returns>The outcome.</returns>
    protected internal abstract ValueTask<Outcome<TResult>> ExecuteCoreAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<Outcome<TResult>>> callback,
        TState state,
        CancellationToken cancellationToken);
}
