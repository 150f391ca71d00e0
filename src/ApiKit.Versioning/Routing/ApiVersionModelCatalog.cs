using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiKit.Versioning;

/// <summary>
/// Builds, once per change of the endpoint data source, the <see cref="ApiVersionModel"/> of every endpoint: what it
/// implements and what its API (all endpoints with the same route template) supports and deprecates.
/// </summary>
internal sealed class ApiVersionModelCatalog
{
    private readonly IServiceProvider _services;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<Endpoint, ApiVersionModel?> _models = new();
    private readonly Func<Endpoint, ApiVersionModel?> _create;
    private Dictionary<string, List<EndpointDescription>>? _apis;

    public ApiVersionModelCatalog(IServiceProvider services, IOptions<ApiVersioningOptions> options)
    {
        _services = services;
        _create = Create;
        Policies = new ApiVersionPolicyTable(options.Value);
    }

    public ApiVersionPolicyTable Policies { get; }

    /// <summary>Gets the model of <paramref name="endpoint"/>, or <see langword="null"/> when it is not versioned.</summary>
    /// <remarks>
    /// Models are cached per endpoint instance. Data sources may hand out new instances on each enumeration (minimal
    /// APIs do), so the API an endpoint belongs to is found by its route template, never by instance.
    /// </remarks>
    public ApiVersionModel? Get(Endpoint endpoint) => _models.GetOrAdd(endpoint, _create);

    internal static bool IsVersioned(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<ApiVersionAttribute>() is not null
        || endpoint.Metadata.GetMetadata<MapToApiVersionAttribute>() is not null;

    private ApiVersionModel? Create(Endpoint endpoint)
    {
        var description = Describe(endpoint);
        if (description is null)
        {
            return null;
        }

        var apis = Volatile.Read(ref _apis) ?? BuildApis();
        return apis.TryGetValue(ApiKey(endpoint), out var members)
            ? CreateModel(description.Implemented, members)
            : CreateModel(description.Implemented, [description]);
    }

    private Dictionary<string, List<EndpointDescription>> BuildApis()
    {
        lock (_gate)
        {
            if (_apis is { } built)
            {
                return built;
            }

            var dataSource = _services.GetService<EndpointDataSource>();
            var apis = new Dictionary<string, List<EndpointDescription>>(StringComparer.OrdinalIgnoreCase);
            foreach (var endpoint in dataSource?.Endpoints ?? [])
            {
                if (Describe(endpoint) is not { } description)
                {
                    continue;
                }

                var key = ApiKey(endpoint);
                if (!apis.TryGetValue(key, out var members))
                {
                    members = [];
                    apis[key] = members;
                }

                members.Add(description);
            }

            // Endpoints can change at run time (MVC action descriptors, dynamic data sources): start over on next use.
            dataSource?.GetChangeToken().RegisterChangeCallback(
                static state =>
                {
                    var catalog = (ApiVersionModelCatalog)state!;
                    Volatile.Write(ref catalog._apis, null);
                    catalog._models.Clear();
                },
                this);

            Volatile.Write(ref _apis, apis);
            return apis;
        }
    }
    private ApiVersionModel CreateModel(ApiVersion[] implemented, List<EndpointDescription> api)
    {
        var supported = new SortedSet<ApiVersion>();
        var deprecated = new SortedSet<ApiVersion>();
        foreach (var member in api)
        {
            supported.UnionWith(member.Implemented);
            deprecated.UnionWith(member.DeclaredDeprecated);
        }

        foreach (var version in supported)
        {
            if (Policies.IsDeprecated(version))
            {
                deprecated.Add(version);
            }
        }

        deprecated.IntersectWith(supported);
        return new ApiVersionModel(implemented, [.. supported], [.. deprecated]);
    }

    private static EndpointDescription? Describe(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<ApiVersionNeutralAttribute>() is not null || !IsVersioned(endpoint))
        {
            return null;
        }

        var declared = endpoint.Metadata.GetOrderedMetadata<ApiVersionAttribute>();
        var mapped = endpoint.Metadata.GetOrderedMetadata<MapToApiVersionAttribute>();
        var implemented = mapped.Count > 0
            ? mapped.Select(m => m.Version).Distinct().Order().ToArray()
            : declared.Select(d => d.Version).Distinct().Order().ToArray();
        var deprecated = declared.Where(d => d.Deprecated).Select(d => d.Version).ToArray();
        return new EndpointDescription(endpoint, implemented, deprecated);
    }

    private static string ApiKey(Endpoint endpoint) => endpoint is RouteEndpoint route && route.RoutePattern.RawText is { } text
        ? text.Trim('/')
        : endpoint.DisplayName ?? string.Empty;

    private sealed record EndpointDescription(Endpoint Endpoint, ApiVersion[] Implemented, ApiVersion[] DeclaredDeprecated);
}
