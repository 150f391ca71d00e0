using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace ApiKit.Versioning;

/// <summary>The per-version policies of the options, with their header values formatted once.</summary>
internal sealed class ApiVersionPolicyTable
{
    private readonly FrozenDictionary<ApiVersion, CompiledVersionPolicy> _policies;

    public ApiVersionPolicyTable(ApiVersioningOptions options)
    {
        var policies = new Dictionary<ApiVersion, CompiledVersionPolicy>();
        foreach (var (key, policy) in options.Policies)
        {
            policies[ApiVersion.Parse(key.Trim())] = new CompiledVersionPolicy(policy);
        }

        _policies = policies.ToFrozenDictionary();
    }

    public CompiledVersionPolicy? Get(ApiVersion version) => _policies.GetValueOrDefault(version);

    public bool IsDeprecated(ApiVersion version) => _policies.TryGetValue(version, out var policy) && policy.DeprecationHeader is not null;
}

/// <summary>One version's deprecation and sunset as ready-made header values.</summary>
internal sealed class CompiledVersionPolicy
{
    public CompiledVersionPolicy(ApiVersionPolicyOptions options)
    {
        Sunset = options.Sunset;
        if (options.Deprecation is { } deprecation)
        {
            // RFC 9745 section 2.1: the value is an RFC 9651 Date, '@' followed by integer seconds since the epoch.
            DeprecationHeader = "@" + deprecation.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        if (options.Sunset is { } sunset)
        {
            // RFC 8594 section 3: an HTTP-date, whose preferred form is IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
            SunsetHeader = sunset.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
        }

        var links = new List<string>(2);
        if (options.DeprecationLink is { } deprecationLink)
        {
            links.Add($"<{Format(deprecationLink)}>; rel=\"deprecation\"; type=\"text/html\"");
        }

        if (options.SunsetLink is { } sunsetLink)
        {
            links.Add($"<{Format(sunsetLink)}>; rel=\"sunset\"; type=\"text/html\"");
        }

        Links = new StringValues([.. links]);
    }

    public string? DeprecationHeader { get; }

    public string? SunsetHeader { get; }

    public DateTimeOffset? Sunset { get; }

    public StringValues Links { get; }

    private static string Format(Uri link) => link.IsAbsoluteUri ? link.AbsoluteUri : link.OriginalString;
}
