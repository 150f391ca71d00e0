using ApiKit.Resilience;

namespace ChatApi.Webhooks;

/// <summary>
/// Sits outside the ApiKit.Resilience handler of the webhook delivery client and turns its rejections (open circuit,
/// pipeline timeout) into <see cref="HttpRequestException"/>. The webhook dispatcher records an attempt as failed only
/// for HTTP and network errors and its own timeout; any other exception would escape the attempt unrecorded, leaving
/// the delivery leased until the lease expires and the dispatcher's in-flight slot taken.
/// </summary>
internal sealed class ResilienceRejectionHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (ResilienceRejectedException exception)
        {
            throw new HttpRequestException($"Not sent to {Authority(request)}: {exception.Message} Retry after {exception.RetryAfter}.", exception);
        }
        catch (TimeoutRejectedException exception)
        {
            throw new HttpRequestException($"No response from {Authority(request)} in time: {exception.Message}", exception);
        }
    }

    private static string? Authority(HttpRequestMessage request) => request.RequestUri?.GetLeftPart(UriPartial.Authority);
}
