using System.Collections.Concurrent;
using ApiKit.Resilience.CircuitBreakers;
using ApiKit.Resilience.Retry;
using ApiKit.Resilience.Timeout;
using Microsoft.Extensions.Logging;

namespace ApiKit.Resilience.Http;

/// <summary>
/// Sends each request through total timeout, retry, the circuit breaker of its authority and attempt timeout.
/// Breakers live in the shared <see cref="CircuitBreakerRegistry"/>, so they outlive the handler rotation of
/// IHttpClientFactory; the pipelines here are only a cache over them.
/// </summary>
internal sealed class ResilienceHandler(
    string clientName,
    HttpStandardResilienceOptions options,
    CircuitBreakerRegistry registry,
    TimeProvider timeProvider,
    ILoggerFactory? loggerFactory) : DelegatingHandler
{
    private readonly ConcurrentDictionary<(string Authority, bool Retry), ResiliencePipeline> _pipelines = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var authority = uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Authority) : "relative";
        var retry = options.RetryUnsafeMethods
            || HttpOutcomes.IsSafeMethod(request.Method)
            || request.Headers.Contains(HttpStandardResilienceDefaults.IdempotencyKeyHeader);
        var pipeline = _pipelines.GetOrAdd((authority, retry), static (key, self) => self.Build(key.Authority, key.Retry), this);
        var outcome = await pipeline.ExecuteOutcomeAsync(
            static (s, ct) => new ValueTask<HttpResponseMessage>(s.Handler.SendInnerAsync(s.Request, ct)),
            (Handler: this, Request: request),
            cancellationToken).ConfigureAwait(false);
        return outcome.GetResultOrThrow();
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private ResiliencePipeline Build(string authority, bool retry)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider, LoggerFactory = loggerFactory }
            .AddTimeout(options.TotalRequestTimeout);
        if (retry && options.Retry.MaxRetryAttempts > 0)
        {
            builder.AddRetry(options.Retry);
        }

        return builder
            .AddCircuitBreaker(registry.GetOrAdd($"{clientName}:{authority}", options.CircuitBreaker))
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }
}
