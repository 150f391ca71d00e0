using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Fallback;

namespace ApiKit.Resilience.Tests.Fallback;

public sealed class FallbackTests
{
    [Fact]
    public async Task Execute_FailureOfFallbackType_ReturnsFallbackValue()
    {
        var pipeline = new ResiliencePipelineBuilder().AddFallback("cached").Build();
        Assert.Equal("cached", await pipeline.ExecuteAsync<string, int>(static (_, _) => throw new InvalidOperationException(), 0));
        Assert.Equal("live", await pipeline.ExecuteAsync(static (s, _) => ValueTask.FromResult(s), "live"));
    }

    [Fact]
    public async Task Execute_OpenCircuit_FallbackFunctionSeesRejection()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions());
        breaker.Isolate();
        var pipeline = new ResiliencePipelineBuilder()
            .AddFallback(new FallbackOptions<string> { FallbackAction = (o, _) => ValueTask.FromResult("fallback:" + o.Reason) })
            .AddCircuitBreaker(breaker)
            .Build();
        Assert.Equal("fallback:CircuitIsolated", await pipeline.ExecuteAsync(static (s, _) => ValueTask.FromResult(s), "live"));
    }

    [Fact]
    public async Task Execute_OtherResultType_PassesThrough()
    {
        var pipeline = new ResiliencePipelineBuilder().AddFallback("x").Build();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await pipeline.ExecuteAsync<int, int>(static (_, _) => throw new InvalidOperationException(), 0));
    }

    [Fact]
    public async Task Execute_FallbackThrows_ReturnsItsFailure()
    {
        var pipeline = new ResiliencePipelineBuilder()
            .AddFallback(new FallbackOptions<int> { FallbackAction = (_, _) => throw new ArgumentException("fallback broke") })
            .Build();
        var outcome = await pipeline.ExecuteOutcomeAsync<int, int>(static (_, _) => throw new InvalidOperationException(), 0);
        Assert.Equal("fallback broke", outcome.Exception!.Message);
    }
}
