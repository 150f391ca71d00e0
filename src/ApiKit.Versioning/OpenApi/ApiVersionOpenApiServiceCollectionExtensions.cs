using ApiKit.Versioning;
using Microsoft.AspNetCore.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers one OpenAPI document per API version.</summary>
public static class ApiVersionOpenApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds an OpenAPI document for each of <paramref name="versions"/>, named <c>v1</c>, <c>v2</c>, <c>v2024-01-15</c>...
    /// (served by <c>MapOpenApi()</c> at <c>/openapi/{documentName}.json</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="versions">The versions to document.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiVersionOpenApi(this IServiceCollection services, params ApiVersion[] versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        foreach (var version in versions)
        {
            services.AddApiVersionOpenApi(ApiVersionOpenApiOptionsExtensions.DocumentName(version), version);
        }

        return services;
    }

    /// <summary>Adds the OpenAPI document <paramref name="documentName"/> describing <paramref name="version"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="documentName">The document name.</param>
    /// <param name="version">The version the document describes.</param>
    /// <param name="configure">Further configuration of the document.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddApiVersionOpenApi(this IServiceCollection services, string documentName, ApiVersion version, Action<OpenApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(documentName);
        return services.AddOpenApi(documentName, options =>
        {
            options.IncludeApiVersion(version);
            configure?.Invoke(options);
        });
    }
}
