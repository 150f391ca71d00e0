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
    private Dictionary<Endpoint, ApiVersionModel?>? _models;

    public ApiVersionModelCatalog(IServiceProvider services, IOptions<ApiVersioningOptions> options)
    {
        _services = services;
        Policies = new ApiVersionPolicyTable(options.Value);
    }

    public ApiVersionPolicyTable Policies { get; }

    /// <summary>Gets the model of <paramref name="endpoint"/>, or <see langword="null"/> when it is not versioned.</summary>
    public ApiVersionModel? Get(Endpoint endpoint)
    {
        var models = Volatile.Read(ref _models) ?? Build();
        if (models.TryGetValue(endpoint, out var model))
        {
            return model;
        }

        // An endpoint the data source did not list (a dynamic one): its API is itself alone.
        return Describe(endpoint) is { } description ? CreateModel(description.Implemented, [description]) : null;
    }

    internal static bool IsVersioned(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<ApiVersionAttribute>() is not null
        || endpoint.Metadata.GetMetadata<MapToApiVersionAttribute>() is not null;

    private Dictionary<Endpoint, ApiVersionModel?> Build()
    {
        lock (_gate)
        {
            if (_models is { } built)
            {
                return built;
            }

            var dataSource = _services.GetService<EndpointDataSource>();
            var endpoints = dataSource?.Endpoints ?? [];
            var byApi = new Dictionary<string, List<EndpointDescription>>(StringComparer.OrdinalIgnoreCase);
            var models = new Dictionary<Endpoint, ApiVersionModel?>(endpoints.Count);
            foreach (var endpoint in endpoints)
            {
                var description = Describe(endpoint);
                models[endpoint] = null;
                if (description is null)
                {
                    continue;
                }

                var key = ApiKey(endpoint);
                if (!byApi.TryGetValue(key, out var members))
                {
                    members = [];
                    byApi[key] = members;
                }

                members.Add(description);
            }

            foreach (var members in byApi.Values)
            {
                foreach (var member in members)
                {
                    models[member.Endpoint] = CreateModel(member.Implemented, members);
                }
            }

            if (dataSource is not null)
            {
                // Endpoints can change at run time (MVC action descriptors, dynamic data sources): rebuild on next use.
                dataSource.GetChangeToken().RegisterChangeCallback(static state => Volatile.Write(ref ((ApiVersionModelCatalog)state!)._models, null), this);
            }

            Volatile.Write(ref _models, models);
            return models;
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
