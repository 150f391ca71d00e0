namespace ApiKit.Resilience;

/// <summary>
/// Builds a <see cref="ResiliencePipeline"/>. Strategies run in the order they are added, the first one outermost:
/// a typical order is fallback, total timeout, retry, circuit breaker, attempt timeout, bulkhead.
/// </summary>
public sealed class ResiliencePipelineBuilder
{
    private readonly List<ResilienceStrategy> _strategies = [];

    /// <summary>Gets or sets the clock the time-based strategies use.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the logger factory strategies log through; none when <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Adds a strategy as the innermost layer so far.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>This builder.</returns>
    public ResiliencePipelineBuilder AddStrategy(ResilienceStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        _strategies.Add(strategy);
        return this;
    }

    /// <summary>Builds the pipeline.</summary>
    /// <returns>The pipeline.</returns>
    public ResiliencePipeline Build() => _strategies.Count == 0 ? ResiliencePipeline.Empty : new([.. _strategies]);
}
