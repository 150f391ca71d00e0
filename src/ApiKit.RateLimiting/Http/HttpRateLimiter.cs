using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace ApiKit.RateLimiting;

/// <summary>
/// The <see cref="PartitionedRateLimiter{TResource}"/> installed as the ASP.NET Core rate limiter's global limiter.
/// It finds the endpoint's policy (<see cref="EnableRateLimitingAttribute"/>, else the default policy), applies the
/// access lists, resolves one key per limit and lets the backend decide all limits at once. The evaluation is kept in
/// the request's features so that the headers (written when the response starts) and the rejection body see it.
/// </summary>
/// <remarks>
/// The middleware calls <c>AttemptAcquire</c> and, when that is refused, <c>AcquireAsync</c>. A refusal that cannot
/// change by waiting is not decided twice; a remote backend answers <c>AttemptAcquire</c> with "not yet" so that its
/// round trip happens in <c>AcquireAsync</c>, without blocking a thread.
/// </remarks>
internal sealed class HttpRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private static readonly PolicyLease Pending = new(null, acquired: false);
    private readonly RateLimitPolicyRegistry _registry;
    private readonly RateLimitBackend _backend;
    private readonly RateLimitingMetrics _metrics;

    public HttpRateLimiter(RateLimitPolicyRegistry registry, RateLimitBackend backend, RateLimitingMetrics metrics)
    {
        _registry = registry;
        _backend = backend;
        _metrics = metrics;
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        var evaluation = Prepare(resource, permitCount);
        if (evaluation is null)
        {
            return PolicyLease.Unlimited;
        }

        if (evaluation.Verdict != RateLimitVerdict.Pending)
        {
            return Lease(evaluation);
        }

        if (!_backend.TryDecide(evaluation, allowDelay: false))
        {
            return Pending;
        }

        if (evaluation.Allowed || !evaluation.Policy.HasShapingQueue)
        {
            Record(evaluation);
            return Lease(evaluation);
        }

        // A shaping queue may still admit this request in AcquireAsync, after a wait.
        evaluation.Verdict = RateLimitVerdict.Pending;
        return Pending;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        var evaluation = Prepare(resource, permitCount);
        if (evaluation is null)
        {
            return PolicyLease.Unlimited;
        }

        if (evaluation.Verdict != RateLimitVerdict.Pending)
        {
            return Lease(evaluation);
        }

        await _backend.DecideAsync(evaluation, allowDelay: evaluation.Policy.HasShapingQueue, cancellationToken).ConfigureAwait(false);
        Record(evaluation);
        if (evaluation.Allowed && evaluation.DelayMicros > 0)
        {
            await Task.Delay(RateLimitClock.ToTimeSpan(evaluation.DelayMicros), _registry.Clock.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        return Lease(evaluation);
    }

    private static PolicyLease Lease(PolicyEvaluation evaluation) => new(evaluation, evaluation.Allowed);

    private void Record(PolicyEvaluation evaluation) =>
        _metrics.RecordDecision(evaluation.Policy.Name, evaluation.Verdict switch
        {
            RateLimitVerdict.Allowed => "allowed",
            RateLimitVerdict.AllowListed => "allow_listed",
            RateLimitVerdict.DenyListed => "deny_listed",
            _ => "rejected",
        });

    private PolicyEvaluation? Prepare(HttpContext context, int permitCount)
    {
        if (context.Features.Get<PolicyEvaluation>() is { } existing)
        {
            return existing;
        }

        var snapshot = _registry.Current;
        var options = snapshot.Options;
        var name = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? options.DefaultPolicy;
        if (name is null || !snapshot.Policies.TryGetValue(name, out var policy))
        {
            return null;
        }

        var evaluation = Screen(context, snapshot, policy) ?? new PolicyEvaluation(policy, Keys(context, policy), permitCount);
        context.Features.Set(evaluation);
        if (evaluation.Verdict is RateLimitVerdict.AllowListed or RateLimitVerdict.DenyListed)
        {
            Record(evaluation);
        }

        var mode = options.Headers;
        context.Response.OnStarting(
            static state =>
            {
                var (evaluation, context, mode) = ((PolicyEvaluation, HttpContext, RateLimitHeaderMode))state;
                if (evaluation.Verdict != RateLimitVerdict.Pending)
                {
                    RateLimitHeaders.Write(context.Response, evaluation, mode);
                }

                return Task.CompletedTask;
            },
            (evaluation, context, mode));
        return evaluation;
    }

    private static PolicyEvaluation? Screen(HttpContext context, PolicySnapshot snapshot, CompiledPolicy policy)
    {
        if (snapshot.AllowList.IsEmpty && snapshot.DenyList.IsEmpty)
        {
            return null;
        }

        var options = snapshot.Options;
        var user = RateLimitPolicyRegistry.UserOf(context, options.UserClaimType);
        var apiKey = RateLimitPolicyRegistry.ApiKeyDigestOf(context, options.ApiKeyHeader);
        var address = snapshot.AllowList.NeedsAddress || snapshot.DenyList.NeedsAddress ? snapshot.ClientIp.Resolve(context) : null;
        if (snapshot.DenyList.Matches(user, apiKey, address))
        {
            return new PolicyEvaluation(policy, RateLimitVerdict.DenyListed);
        }

        return snapshot.AllowList.Matches(user, apiKey, address) ? new PolicyEvaluation(policy, RateLimitVerdict.AllowListed) : null;
    }

    private static string?[] Keys(HttpContext context, CompiledPolicy policy)
    {
        var keys = new string?[policy.Limits.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var parts = policy.Limits[i].Partitions;
            string? key = parts.Length == 1 ? parts[0](context) : null;
            if (parts.Length > 1)
            {
                var values = new string?[parts.Length];
                for (var p = 0; p < parts.Length; p++)
                {
                    values[p] = parts[p](context);
                }

                key = values.Any(v => v is null) ? null : string.Join('|', values);
            }

            keys[i] = key;
        }

        return keys;
    }
}
