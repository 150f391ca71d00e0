using ApiKit.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Puts webhook verification in front of an endpoint.</summary>
public static class WebhookReceiverEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Verifies signature, timestamp, size and id of every request to the endpoint before its handler runs;
    /// failures get a 4xx ProblemDetails (400 headers, 401 signature or timestamp, 409 replay, 413 size).
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <param name="receiverName">The receiver registered with <c>AddWebhookReceiver</c>; the default one when null.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireWebhookSignature<TBuilder>(this TBuilder builder, string? receiverName = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(new WebhookSignatureFilter(receiverName ?? Options.DefaultName));
    }
}
