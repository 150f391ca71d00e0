using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChatApi.Infrastructure;

/// <summary>
/// Documents the <c>first</c> and <c>after</c> query parameters of every list. The endpoints bind them as
/// strings so that a bad value becomes a field-level 400 rather than a binding failure; the document still
/// tells clients that <c>first</c> is an integer between 1 and the maximum page size.
/// </summary>
internal sealed class PaginationOpenApiTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.In != ParameterLocation.Query)
            {
                continue;
            }

            if (parameter.Name == "first")
            {
                parameter.Description = $"How many items to return: 1 to {ChatApiDefaults.MaxPageSize}, {ChatApiDefaults.DefaultPageSize} when absent.";
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "1",
                    Maximum = ChatApiDefaults.MaxPageSize.ToString(CultureInfo.InvariantCulture),
                    Default = JsonValue.Create(ChatApiDefaults.DefaultPageSize),
                };
            }
            else if (parameter.Name == "after")
            {
                parameter.Description = "Return the items after this cursor: the pageInfo.endCursor of the previous page.";
            }
        }

        return Task.CompletedTask;
    }
}
