using System.Data.Common;
using System.Globalization;

namespace ApiKit.Webhooks;

/// <summary>
/// A store that lives in process memory: everything is lost when the process ends. For tests only;
/// it cannot join a database transaction.
/// </summary>
public sealed class InMemoryWebhookStoreForTesting : IWebhookDeliveryStore, IWebhookEndpointStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, WebhookEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WebhookMessage> _messages = new(StringComparer.Ordinal);
    private readonly List<Row> _deliveries = [];
    private readonly List<WebhookAttempt> _attempts = [];
    private long _sequence;
    private long _leaseSequence;

    /// <summary>Gets the state of every delivery, in enqueue order, for assertions.</summary>
    /// <returns>Message id, endpoint id, state and attempts made of each delivery.</returns>
    public IReadOnlyList<(string MessageId, string EndpointId, WebhookDeliveryState State, int AttemptCount, DateTimeOffset NextAttemptAt)> Snapshot()
    {
        lock (_gate)
        {
            return [.. _deliveries.Select(d => (d.Message.Id, d.EndpointId, d.State, d.AttemptCount, d.NextAttemptAt))];
        }
    }

    /// <inheritdoc />
    public Task EnqueueAsync(WebhookMessage message, IReadOnlyList<string> endpointIds, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(endpointIds);
        if (transaction is not null)
        {
            throw new NotSupportedException("The in-memory store cannot join a database transaction; use the SQL store for a transactional outbox.");
        }

        lock (_gate)
        {
            _messages[message.Id] = message;
            foreach (var endpointId in endpointIds)
            {
                _deliveries.Add(new Row(++_sequence, message, endpointId, message.CreatedAt));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string workerId, int maxCount, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = new List<WebhookDelivery>();
        lock (_gate)
        {
            foreach (var row in _deliveries.OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Sequence).ToList())
            {
                if (row.State != WebhookDeliveryState.Pending)
                {
                    continue;
                }

                var key = row.Message.OrderingKey is { } k ? (row.EndpointId, k) : default;
                var orderedBehindEarlier = key != default && _deliveries.Any(p => p.Sequence < row.Sequence && p.State == WebhookDeliveryState.Pending && p.EndpointId == row.EndpointId && p.Message.OrderingKey == key.Item2);
                if (claimed.Count >= maxCount || row.NextAttemptAt > now || row.LeaseUntil > now || orderedBehindEarlier)
                {
                    continue;
                }

                row.LeaseUntil = now + lease;
                row.LeaseToken = (++_leaseSequence).ToString(CultureInfo.InvariantCulture);
                claimed.Add(new WebhookDelivery(row.Sequence.ToString(CultureInfo.InvariantCulture), row.Message, row.EndpointId, row.AttemptCount, row.LeaseToken));
            }
        }

        return Task.FromResult<IReadOnlyList<WebhookDelivery>>(claimed);
    }

    /// <inheritdoc />
    public Task RecordAsync(IReadOnlyList<WebhookDeliveryResult> results, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        lock (_gate)
        {
            foreach (var result in results)
            {
                if (result.Attempt is not null)
                {
                    _attempts.Add(result.Attempt);
                }

                var row = _deliveries.Find(r => r.Sequence.ToString(CultureInfo.InvariantCulture) == result.Delivery.DeliveryId);
                if (row is null || row.LeaseToken != result.Delivery.LeaseToken)
                {
                    continue;
                }

                row.State = result.State;
                row.AttemptCount = result.Delivery.AttemptCount + (result.Attempt is null ? 0 : 1);
                row.NextAttemptAt = result.NextAttemptAt ?? now;
                row.LeaseUntil = DateTimeOffset.MinValue;
                row.LeaseToken = null;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string endpointId, string? messageId, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WebhookAttempt>>(
                [.. _attempts.Where(a => a.EndpointId == endpointId && (messageId is null || a.MessageId == messageId)).Reverse().Take(limit)]);
        }
    }

    /// <inheritdoc />
    public Task<bool> RedeliverAsync(string endpointId, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_messages.TryGetValue(messageId, out var message))
            {
                return Task.FromResult(false);
            }

            _deliveries.Add(new Row(++_sequence, message, endpointId, now));
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<int> RecoverAsync(string endpointId, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var count = 0;
            foreach (var row in _deliveries.Where(r => r.EndpointId == endpointId && r.State == WebhookDeliveryState.Failed && r.Message.CreatedAt >= since))
            {
                row.State = WebhookDeliveryState.Pending;
                row.AttemptCount = 0;
                row.NextAttemptAt = now;
                count++;
            }

            return Task.FromResult(count);
        }
    }

    /// <inheritdoc />
    public Task CreateAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        lock (_gate)
        {
            if (!_endpoints.TryAdd(endpoint.Id, endpoint))
            {
                throw new InvalidOperationException($"Endpoint '{endpoint.Id}' already exists.");
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<WebhookEndpoint?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_endpoints.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<WebhookEndpoint>>([.. _endpoints.Values.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)]);
        }
    }

    /// <inheritdoc />
    public Task<bool> UpdateAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        lock (_gate)
        {
            if (!_endpoints.ContainsKey(endpoint.Id))
            {
                return Task.FromResult(false);
            }

            _endpoints[endpoint.Id] = endpoint;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_endpoints.Remove(id));
        }
    }

    private sealed class Row(long sequence, WebhookMessage message, string endpointId, DateTimeOffset dueAt)
    {
        public long Sequence { get; } = sequence;

        public WebhookMessage Message { get; } = message;

        public string EndpointId { get; } = endpointId;

        public WebhookDeliveryState State { get; set; }

        public int AttemptCount { get; set; }

        public DateTimeOffset NextAttemptAt { get; set; } = dueAt;

        public DateTimeOffset LeaseUntil { get; set; } = DateTimeOffset.MinValue;

        public string? LeaseToken { get; set; }
    }
}
