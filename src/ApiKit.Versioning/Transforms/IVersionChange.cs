using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ApiKit.Versioning;

/// <summary>
/// One change between two adjacent versions, in the manner of Stripe's version changes: the current handler serves
/// every version, a request for an older version has its JSON body upgraded through each newer change in ascending
/// order, and the response is downgraded back through the same changes in descending order.
/// </summary>
/// <remarks>Register changes on endpoints or groups with <c>WithVersionChanges</c> and add <c>UseApiVersionChanges</c> to the pipeline.</remarks>
public interface IVersionChange
{
    /// <summary>Gets the version that introduced the change; requests for any older version pass through it.</summary>
    ApiVersion Version { get; }

    /// <summary>Turns a request body written for the version before <see cref="Version"/> into the shape of <see cref="Version"/>.</summary>
    /// <param name="body">The request body; may be modified in place and returned.</param>
    /// <param name="context">The request.</param>
    /// <returns>The upgraded body.</returns>
    JsonNode? UpgradeRequest(JsonNode? body, HttpContext context);

    /// <summary>Turns a response body of <see cref="Version"/> into the shape of the version before it.</summary>
    /// <param name="body">The response body; may be modified in place and returned.</param>
    /// <param name="context">The request, whose response status is already set.</param>
    /// <returns>The downgraded body.</returns>
    JsonNode? DowngradeResponse(JsonNode? body, HttpContext context);
}
