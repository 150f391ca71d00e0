namespace ApiKit.Webhooks;

/// <summary>
/// The dispatcher loop's copy of the endpoints it delivers to, read again from the store after
/// <see cref="Duration"/> or as soon as the processor changed one. It saves a store read (a round trip with Redis)
/// per claim; an endpoint changed elsewhere (the management API, another node) is seen within <see cref="Duration"/>.
/// One loop uses it, but the claims it sends at once may finish on different threads, hence the lock.
/// </summary>
internal sealed class EndpointCache(TimeProvider timeProvider)
{
    /// <summary>How long a cached endpoint is used: 1 s.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, (WebhookEndpoint? Endpoint, long ReadAt)> _endpoints = new(StringComparer.Ordinal);
    private int _changes;

    public bool TryGet(string endpointId, int changes, out WebhookEndpoint? endpoint)
    {
        lock (_endpoints)
        {
            if (changes != _changes)
            {
                _endpoints.Clear();
                _changes = changes;
            }

            if (_endpoints.TryGetValue(endpointId, out var cached) && timeProvider.GetElapsedTime(cached.ReadAt) < Duration)
            {
                endpoint = cached.Endpoint;
                return true;
            }
        }

        endpoint = null;
        return false;
    }

    public void Set(string endpointId, WebhookEndpoint? endpoint)
    {
        lock (_endpoints)
        {
            _endpoints[endpointId] = (endpoint, timeProvider.GetTimestamp());
        }
    }
}
