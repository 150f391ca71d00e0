using ApiKit.Security.Jwt;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the JWKS document of the registered <see cref="JwtKeyRing"/>.</summary>
public static class JwksEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET <paramref name="pattern"/></c> to the public keys of the ring as an RFC 7517 JWK Set
    /// (<c>application/jwk-set+json</c>). The document is rendered per request, so keys leave it as soon as their overlap ends; the endpoint allows anonymous access.
    /// </summary>
    /// <param name="endpoints">The endpoint builder.</param>
    /// <param name="pattern">The route; <see cref="JwtDefaults.JwksPath"/> by default.</param>
    /// <returns>The endpoint convention builder.</returns>
    public static IEndpointConventionBuilder MapJwks(this IEndpointRouteBuilder endpoints, string pattern = JwtDefaults.JwksPath)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var keys = endpoints.ServiceProvider.GetRequiredService<JwtKeyRing>();
        return endpoints.MapGet(pattern, (HttpContext context) =>
        {
            var document = JsonWebKeySet.Write(keys.GetVerificationKeys());
            context.Response.ContentType = "application/jwk-set+json";
            context.Response.Headers.CacheControl = "public, max-age=300";
            context.Response.ContentLength = document.Length;
            return context.Response.Body.WriteAsync(document).AsTask();
        }).AllowAnonymous();
    }
}
