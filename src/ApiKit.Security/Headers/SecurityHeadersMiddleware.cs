using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ApiKit.Security.Headers;

/// <summary>
/// Sets the security headers when the response starts (<see cref="HttpResponse.OnStarting(Func{object, Task}, object)"/>),
/// so error pages, 404s and 429s written by later middleware get them too. The callback and every header value are
/// created once; a request without a nonce allocates nothing here.
/// </summary>
internal sealed partial class SecurityHeadersMiddleware
{
    private readonly RequestDelegate _next;
    private readonly CompiledSecurityHeaders _default;
    private readonly FrozenDictionary<string, CompiledSecurityHeaders> _named;
    private readonly Func<object, Task> _onStarting;
    private readonly ILogger<SecurityHeadersMiddleware> _logger;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options, ILogger<SecurityHeadersMiddleware> logger)
    {
        _next = next;
        _logger = logger;
        _default = CompiledSecurityHeaders.Compile(options.Value.Default);
        _named = options.Value.Policies.ToFrozenDictionary(p => p.Key, p => CompiledSecurityHeaders.Compile(p.Value), StringComparer.Ordinal);
        _onStarting = Apply;
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(_onStarting, context);
        return _next(context);
    }

    internal static string GetOrCreateNonce(HttpContext context)
    {
        if (context.Features.Get<CspNonceFeature>() is { } existing)
        {
            return existing.Nonce;
        }

        var feature = new CspNonceFeature(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        context.Features.Set(feature);
        return feature.Nonce;
    }

    private Task Apply(object state)
    {
        var context = (HttpContext)state;
        var policy = Resolve(context);
        var headers = context.Response.Headers;
        foreach (var header in policy.Headers)
        {
            headers[header.Key] = header.Value;
        }

        if (policy.NonceParts is { } parts)
        {
            headers.ContentSecurityPolicy = string.Join(GetOrCreateNonce(context), parts);
        }

        // RFC 6797 7.2: HSTS over plain HTTP must be ignored by browsers, so it is only sent on HTTPS.
        if (policy.StrictTransportSecurity.Count > 0 && context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = policy.StrictTransportSecurity;
        }

        if (policy.RemoveServer)
        {
            headers.Remove(HeaderNames.Server);
        }

        return Task.CompletedTask;
    }

    private CompiledSecurityHeaders Resolve(HttpContext context)
    {
        // Without named policies there is nothing to select, so skip the endpoint lookup.
        if (_named.Count == 0 || context.GetEndpoint()?.Metadata.GetMetadata<SecurityHeadersPolicyAttribute>() is not { } selected)
        {
            return _default;
        }

        if (_named.TryGetValue(selected.PolicyName, out var policy))
        {
            return policy;
        }

        LogUnknownPolicy(_logger, selected.PolicyName);
        return _default;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Security headers policy {PolicyName} is not configured; the default policy was applied")]
    private static partial void LogUnknownPolicy(ILogger logger, string policyName);

    private sealed class CspNonceFeature(string nonce)
    {
        public string Nonce { get; } = nonce;
    }
}
