using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatApi.Infrastructure;

/// <summary>Registers and wires the cross-cutting parts of the ChatApi: options, errors, time, OpenAPI.</summary>
internal static class ChatApiServiceCollectionExtensions
{
    public static IServiceCollection AddChatApi(this IServiceCollection services)
    {
        services.AddOptions<ChatApiOptions>()
            .BindConfiguration(ChatApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Responses the framework ends without a body (415 from content-type matching, 405, ...) still say why.
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status401Unauthorized => "Authentication is required: send 'Authorization: Bearer <accessToken>' from POST /api/v1/auth/login, or an API key in 'X-API-Key'.",
                StatusCodes.Status403Forbidden => "Your role does not grant this operation.",
                StatusCodes.Status404NotFound => "No resource exists at this URL.",
                StatusCodes.Status405MethodNotAllowed => "This resource does not support the HTTP method used.",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON ('Content-Type: application/json').",
                _ => null,
            };
        });
        services.AddExceptionHandler<ChatExceptionHandler>();

        // Bad JSON, missing bodies and wrong content types then reach ChatExceptionHandler as
        // BadHttpRequestException in every environment, not only in Development.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options => options.SerializerOptions.MaxDepth = 32);

        services.AddOpenApi(options =>
        {
            options.AddOperationTransformer<PaginationOpenApiTransformer>();
            options.AddDocumentTransformer<Auth.SecuritySchemesOpenApiTransformer>();
            options.AddOperationTransformer<Auth.SecuritySchemesOpenApiTransformer>();
        });
        return services;
    }

    public static WebApplication UseChatApi(this WebApplication app)
    {
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        return app;
    }
}
