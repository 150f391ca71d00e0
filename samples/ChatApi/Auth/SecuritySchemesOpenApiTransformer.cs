using ApiKit.Security.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChatApi.Auth;

/// <summary>
/// Declares the two ways to authenticate (a JWT bearer token, or an API key in <c>X-API-Key</c> for bots), requires
/// one of them on every operation, and lifts the requirement on the anonymous ones (register, login, refresh).
/// </summary>
internal sealed class SecuritySchemesOpenApiTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string BearerSchemeName = "Bearer";

    public const string ApiKeySchemeName = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from POST /api/v1/auth/login or /refresh.",
        };
        document.Components.SecuritySchemes[ApiKeySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyDefaults.HeaderName,
            Description = "An API key from POST /api/v1/auth/api-keys; it acts as its owner.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSchemeName, document)] = [] });
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeySchemeName, document)] = [] });
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
        {
            // An empty list overrides the document's requirement: no credentials needed.
            operation.Security = [];
        }

        return Task.CompletedTask;
    }
}
