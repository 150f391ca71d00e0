using ChatApi.Auth;
using ChatApi.Infrastructure;
using Microsoft.AspNetCore.OpenApi;

namespace ChatApi.Versioning;

/// <summary>Registers and maps the versioning of the ChatApi (see the README's "Versioning" section).</summary>
internal static class ChatVersioningExtensions
{
    /// <summary>
    /// Adds ApiKit.Versioning bound to the <c>ApiVersioning</c> section (default version, deprecation and sunset of
    /// v1) and one OpenAPI document per version: the ChatApi's own <c>v1</c> document (registered by
    /// <c>AddChatApi</c>, with its transformers) is restricted to v1, and <c>v2</c> gets the same transformers.
    /// </summary>
    public static IServiceCollection AddChatVersioning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddApiVersioning(configuration.GetSection("ApiVersioning"));
        services.Configure<OpenApiOptions>("v1", options => options.IncludeApiVersion(ChatApiVersions.V1));
        services.AddApiVersionOpenApi("v2", ChatApiVersions.V2, options =>
        {
            options.AddOperationTransformer<PaginationOpenApiTransformer>();
            options.AddDocumentTransformer<SecuritySchemesOpenApiTransformer>();
            options.AddOperationTransformer<SecuritySchemesOpenApiTransformer>();
        });
        return services;
    }

    /// <summary>
    /// The group of the versioned resources (users, rooms, members, messages): they answer v1 and v2; an unknown
    /// version is a 400 problem listing both. Their templates carry no version: the URL segment (<c>/api/v1/...</c>)
    /// is read and removed by the path-prefix rule, and a request without any version is served as v2.
    /// </summary>
    public static RouteGroupBuilder MapVersionedApi(this IEndpointRouteBuilder app) =>
        app.MapGroup(string.Empty).HasApiVersion(ChatApiVersions.V1).HasApiVersion(ChatApiVersions.V2);
}
