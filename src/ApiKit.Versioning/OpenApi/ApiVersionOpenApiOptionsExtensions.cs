using ApiKit.Versioning;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Microsoft.AspNetCore.OpenApi;

/// <summary>Makes an OpenAPI document describe one API version.</summary>
public static class ApiVersionOpenApiOptionsExtensions
{
    /// <summary>
    /// Restricts the document to the operations that serve <paramref name="version"/> (plus version-neutral and
    /// unversioned ones), sets <c>info.version</c>, marks operations of a deprecated version <c>deprecated: true</c>, and,
    /// when the URL segment path-prefix rule is on, documents paths under the prefix with their version segment
    /// (<c>/api/v1/users</c>).
    /// </summary>
    /// <param name="options">The document's options.</param>
    /// <param name="version">The version the document describes.</param>
    /// <returns>The options.</returns>
    public static OpenApiOptions IncludeApiVersion(this OpenApiOptions options, ApiVersion version)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!version.IsValid)
        {
            throw new ArgumentException("The version must be valid.", nameof(version));
        }

        var documentName = options.DocumentName;
        options.ShouldInclude = description =>
            (description.GroupName is null || string.Equals(description.GroupName, documentName, StringComparison.Ordinal))
            && Serves(description, version);

        options.AddOperationTransformer((operation, context, _) =>
        {
            if (IsDeprecated(context.Description, version, context.ApplicationServices))
            {
                operation.Deprecated = true;
            }

            return Task.CompletedTask;
        });

        options.AddDocumentTransformer((document, context, _) =>
        {
            document.Info ??= new OpenApiInfo();
            document.Info.Version = version.ToString();
            var versioning = context.ApplicationServices.GetService<IOptions<ApiVersioningOptions>>()?.Value;
            if (versioning is { UrlSegmentPrefix: { Length: > 0 } prefix } && (versioning.Readers & ApiVersionReaders.UrlSegment) != 0 && document.Paths is { } paths)
            {
                AddVersionSegment(paths, prefix.TrimEnd('/'), "v" + SegmentText(version));
            }

            return Task.CompletedTask;
        });

        return options;
    }

    /// <summary>The document name of a version: <c>v1</c>, <c>v1.1</c>, <c>v2024-01-15</c>.</summary>
    /// <param name="version">The version.</param>
    /// <returns>The document name.</returns>
    public static string DocumentName(ApiVersion version) => "v" + SegmentText(version);

    internal static bool Serves(ApiDescription description, ApiVersion version)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var mapped = metadata.OfType<MapToApiVersionAttribute>().Select(m => m.Version).ToList();
        var declared = metadata.OfType<ApiVersionAttribute>().Select(m => m.Version).ToList();
        if (metadata.OfType<ApiVersionNeutralAttribute>().Any() || (mapped.Count == 0 && declared.Count == 0))
        {
            return true;
        }

        return (mapped.Count > 0 ? mapped : declared).Contains(version);
    }

    private static bool IsDeprecated(ApiDescription description, ApiVersion version, IServiceProvider services)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<ApiVersionNeutralAttribute>().Any() || !metadata.OfType<ApiVersionAttribute>().Concat<object>(metadata.OfType<MapToApiVersionAttribute>()).Any())
        {
            return false;
        }

        if (metadata.OfType<ApiVersionAttribute>().Any(a => a.Deprecated && a.Version == version))
        {
            return true;
        }

        var options = services.GetService<IOptions<ApiVersioningOptions>>()?.Value;
        return options is not null && options.Policies.TryGetValue(version.ToString(), out var policy) && policy.Deprecation is not null;
    }

    private static void AddVersionSegment(OpenApiPaths paths, string prefix, string segment)
    {
        foreach (var path in paths.Keys.ToList())
        {
            if (path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase) || path.Equals(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var item = paths[path];
                paths.Remove(path);
                paths[string.Concat(prefix, "/", segment, path.AsSpan(prefix.Length))] = item;
            }
        }
    }

    private static string SegmentText(ApiVersion version) =>
        version.Minor == 0 ? version.Major!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : version.ToString();
}
