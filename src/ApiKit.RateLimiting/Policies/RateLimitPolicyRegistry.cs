using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace ApiKit.RateLimiting;

/// <summary>
/// The compiled policies, rebuilt whenever the options change. A limit whose signature (policy, name, partition,
/// algorithm, numbers) is unchanged keeps its store, so a reload does not reset the counters of untouched limits.
/// </summary>
internal sealed class RateLimitPolicyRegistry : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IDisposable? _subscription;
    private volatile PolicySnapshot _current;
    private bool _disposed;

    public RateLimitPolicyRegistry(IOptionsMonitor<ApiKitRateLimitingOptions> options, TimeProvider timeProvider)
    {
        Clock = new RateLimitClock(timeProvider, options.CurrentValue.ClockResolution);
        _current = Build(options.CurrentValue, null);
        _subscription = options.OnChange(Reload);
    }

    public RateLimitClock Clock { get; }

    public PolicySnapshot Current => _current;

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _subscription?.Dispose();
            foreach (var store in _current.Stores)
            {
                store.Dispose();
            }
        }
    }

    private void Reload(ApiKitRateLimitingOptions options)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var previous = _current;
            _current = Build(options, previous);
            var kept = _current.Stores.ToHashSet();
            foreach (var store in previous.Stores.Where(s => !kept.Contains(s)))
            {
                store.Dispose();
            }
        }
    }

    private PolicySnapshot Build(ApiKitRateLimitingOptions options, PolicySnapshot? previous)
    {
        var reusable = previous?.Policies.Values.SelectMany(p => p.Limits).ToDictionary(l => l.Signature, l => l.Store, StringComparer.Ordinal)
            ?? new Dictionary<string, KeyedLimitStore<string>>(StringComparer.Ordinal);
        var clientIp = new ClientIpResolver(options.ClientIp);
        var policies = new Dictionary<string, CompiledPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, policy) in options.Policies)
        {
            var limits = new List<CompiledLimit>();
            foreach (var limit in policy.Limits)
            {
                var signature = CompiledLimit.SignatureOf(name, limit);
                if (!reusable.TryGetValue(signature, out var store))
                {
                    store = new KeyedLimitStore<string>(limit, Clock, options.EvictionInterval, StringComparer.Ordinal);
                    reusable[signature] = store;
                }

                limits.Add(new CompiledLimit(name, limit, store, [.. limit.PartitionBy.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(part => Partition(part, options, clientIp))]));
            }

            policies[name] = new CompiledPolicy(name, [.. limits.OrderBy(l => l.Store.Ordinal)]);
        }

        return new PolicySnapshot(options, policies, clientIp);
    }

    private static Func<HttpContext, string?> Partition(string name, ApiKitRateLimitingOptions options, ClientIpResolver clientIp)
    {
        if (options.CustomPartitions.TryGetValue(name, out var custom))
        {
            return custom;
        }

        var claim = options.UserClaimType;
        var header = options.ApiKeyHeader;
        return name.ToUpperInvariant() switch
        {
            "USER" => context => UserOf(context, claim),
            "CLIENTIP" => context => clientIp.Resolve(context)?.ToString(),
            "APIKEY" => context => ApiKeyDigestOf(context, header) is { } digest ? Convert.ToBase64String(digest) : null,
            "ENDPOINT" => EndpointOf,
            "GLOBAL" => static _ => "*",
            _ => throw new InvalidOperationException($"Unknown rate limit partition '{name}'."),
        };
    }

    internal static string? UserOf(HttpContext context, string claim) =>
        context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(claim)?.Value : null;

    internal static byte[]? ApiKeyDigestOf(HttpContext context, string header)
    {
        var value = context.Request.Headers[header];
        return value.Count == 1 && !string.IsNullOrEmpty(value[0]) ? SHA256.HashData(Encoding.UTF8.GetBytes(value[0]!)) : null;
    }

    private static string EndpointOf(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint route
            ? string.Concat(context.Request.Method, " ", route.RoutePattern.RawText)
            : string.Concat(context.Request.Method, " ", context.Request.Path.Value);
}

/// <summary>One immutable generation of compiled policies and their companions.</summary>
internal sealed class PolicySnapshot
{
    public PolicySnapshot(ApiKitRateLimitingOptions options, Dictionary<string, CompiledPolicy> policies, ClientIpResolver clientIp)
    {
        Options = options;
        Policies = policies;
        ClientIp = clientIp;
        AllowList = new AccessListMatcher(options.AllowList);
        DenyList = new AccessListMatcher(options.DenyList);
        Stores = [.. policies.Values.SelectMany(p => p.Limits).Select(l => l.Store).Distinct()];
    }

    public ApiKitRateLimitingOptions Options { get; }

    public Dictionary<string, CompiledPolicy> Policies { get; }

    public ClientIpResolver ClientIp { get; }

    public AccessListMatcher AllowList { get; }

    public AccessListMatcher DenyList { get; }

    public IReadOnlyList<KeyedLimitStore<string>> Stores { get; }
}
