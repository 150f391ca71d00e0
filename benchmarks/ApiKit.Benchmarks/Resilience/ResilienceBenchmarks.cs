using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Retry;
using BenchmarkDotNet.Attributes;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using ApiKitBreaker = ApiKit.Resilience.CircuitBreakers.CircuitBreaker;
using ApiKitPipeline = ApiKit.Resilience.ResiliencePipeline;
using ApiKitPipelineBuilder = ApiKit.Resilience.ResiliencePipelineBuilder;

namespace ApiKit.Benchmarks.Resilience;

/// <summary>A call through a closed circuit: the cost every protected call pays.</summary>
public class CircuitBreakerClosedBenchmarks
{
    private ResiliencePipeline _polly = null!;
    private ApiKitBreaker _apiKit = null!;

    [GlobalSetup]
    public void Setup()
    {
        _polly = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions()).Build();
        _apiKit = new ApiKitBreaker(new CircuitBreakerOptions());
    }

    [Benchmark(Baseline = true)]
    public ValueTask<int> Polly() => _polly.ExecuteAsync(static (state, _) => ValueTask.FromResult(state), 1);

    [Benchmark]
    public ValueTask<int> ApiKit() => _apiKit.ExecuteAsync(static (state, _) => ValueTask.FromResult(state), 1);
}

/// <summary>A call against an open circuit on the non-throwing path.</summary>
public class CircuitBreakerOpenBenchmarks
{
    private ResiliencePipeline _polly = null!;
    private ApiKitBreaker _apiKit = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _polly = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions { MinimumThroughput = 2, FailureRatio = 0.5, BreakDuration = TimeSpan.FromHours(12) })
            .Build();
        _apiKit = new ApiKitBreaker(new CircuitBreakerOptions { MinimumThroughput = 2, FailureRatio = 0.5, BreakDuration = TimeSpan.FromHours(12) });
        for (var i = 0; i < 2; i++)
        {
            var context = ResilienceContextPool.Shared.Get();
            await _polly.ExecuteOutcomeAsync(static (_, _) => Outcome.FromExceptionAsValueTask<int>(new InvalidOperationException()), context, 0);
            ResilienceContextPool.Shared.Return(context);
            await _apiKit.ExecuteOutcomeAsync<int, int>(static (_, _) => throw new InvalidOperationException(), 0);
        }

        if (_apiKit.State != ApiKit.Resilience.CircuitBreakers.CircuitState.Open || await PollyOutcome() || await ApiKitOutcome())
        {
            throw new InvalidOperationException("Both circuits must be open.");
        }
    }

    [Benchmark(Baseline = true)]
    public async ValueTask<bool> PollyOutcome()
    {
        var context = ResilienceContextPool.Shared.Get();
        var outcome = await _polly.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), context, 1);
        ResilienceContextPool.Shared.Return(context);
        return outcome.Exception is null;
    }

    [Benchmark]
    public async ValueTask<bool> ApiKitOutcome()
    {
        var outcome = await _apiKit.ExecuteOutcomeAsync(static (state, _) => ValueTask.FromResult(state), 1);
        return outcome.IsSuccess;
    }
}

/// <summary>A retry pipeline whose call succeeds at once: the cost of having a retry at all.</summary>
public class RetryPipelineBenchmarks
{
    private ResiliencePipeline _polly = null!;
    private ApiKitPipeline _apiKit = null!;

    [GlobalSetup]
    public void Setup()
    {
        _polly = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();
        _apiKit = new ApiKitPipelineBuilder().AddRetry(new RetryOptions()).Build();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<int> Polly() => _polly.ExecuteAsync(static (state, _) => ValueTask.FromResult(state), 1);

    [Benchmark]
    public ValueTask<int> ApiKit() => _apiKit.ExecuteAsync(static (state, _) => ValueTask.FromResult(state), 1);
}
