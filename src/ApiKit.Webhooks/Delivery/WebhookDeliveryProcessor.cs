using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using ApiKit.Resilience.CircuitBreakers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks;

/// <summary>Claims due deliveries, makes one attempt each, and records what happened.</summary>
internal sealed partial class WebhookDeliveryProcessor
{
    internal static readonly ActivitySource ActivitySource = new("ApiKit.Webhooks");
    private static readonly Meter Meter = new("ApiKit.Webhooks");
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("apikit.webhooks.attempts", description: "Delivery attempts by outcome.");
    private static readonly Histogram<double> AttemptDuration = Meter.CreateHistogram<double>("apikit.webhooks.attempt.duration", "s", "Duration of delivery attempts.");
    private static readonly Counter<long> Disabled = Meter.CreateCounter<long>("apikit.webhooks.endpoints.disabled", description: "Endpoints disabled by the dispatcher.");

    private readonly IWebhookDeliveryStore _store;
    private readonly IWebhookEndpointStore _endpoints;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly WebhookDeliveryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CircuitBreakerRegistry _breakerRegistry;
    private readonly EndpointLimits _limits;
    private readonly WebhookHeaderNames _headers;
    private readonly IReadOnlyList<TimeSpan> _schedule;
    private readonly ConcurrentDictionary<string, WebhookSecret> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.Ordinal);

    // Endpoint URL -> its parsed target, or null when not an allowed absolute URL: parsed once, not per attempt.
    private readonly ConcurrentDictionary<string, Uri?> _targets = new(StringComparer.Ordinal);

    // Counts the endpoint updates this processor made (failing since, disabled), so cached endpoints are dropped at once.
    private int _endpointChanges;

    // Timeout sources of finished attempts, reset for the next ones.
    private readonly ConcurrentQueue<CancellationTokenSource> _timeouts = new();

    private TimestampCache? _timestampText;

    // Endpoint id -> its breaker in the registry, so the hot path neither builds the registry key nor looks it up twice.
    private readonly ConcurrentDictionary<string, CircuitBreaker> _breakers = new(StringComparer.Ordinal);

    public WebhookDeliveryProcessor(
        IWebhookDeliveryStore store,
        IWebhookEndpointStore endpoints,
        IHttpClientFactory httpClientFactory,
        IOptions<WebhookDeliveryOptions> options,
        TimeProvider timeProvider,
        ILogger<WebhookDeliveryProcessor> logger,
        CircuitBreakerRegistry breakerRegistry)
    {
        _store = store;
        _endpoints = endpoints;
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _breakerRegistry = breakerRegistry;
        _limits = new EndpointLimits(_options.MaxConcurrencyPerEndpoint);
        _headers = WebhookHeaderNames.For(_options.HeaderStyle);
        _schedule = _options.RetrySchedule.Count == 0 ? WebhookDeliveryDefaults.RetrySchedule : [.. _options.RetrySchedule];
    }

    /// <summary>Gets the clock the processor runs on.</summary>
    internal TimeProvider TimeProvider => _timeProvider;

    /// <summary>Gets or sets the source of jitter in [0, 1); tests pin it.</summary>
    internal Func<double> NextRandom { get; set; } = Random.Shared.NextDouble;

    /// <summary>Runs one claim–deliver–record round; the hosted dispatcher streams instead (<see cref="WebhookDispatchPipeline"/>).</summary>
    /// <returns>How many deliveries were claimed.</returns>
    public async Task<int> RunOnceAsync(string workerId, CancellationToken cancellationToken)
    {
        var round = await ClaimAsync(workerId, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        if (round.Deliveries.Count == 0)
        {
            return 0;
        }

        var tasks = new Task<WebhookDeliveryResult>[round.Deliveries.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = round.DeliverAsync(i, cancellationToken).AsTask();
        }

        // Recorded even if the host is stopping: an attempt made but not recorded would be repeated.
        await RecordAsync(await Task.WhenAll(tasks).ConfigureAwait(false)).ConfigureAwait(false);
        return tasks.Length;
    }

    /// <summary>Leases up to <paramref name="maxCount"/> due deliveries and loads their endpoints.</summary>
    /// <param name="workerId">The claiming dispatcher.</param>
    /// <param name="maxCount">The most deliveries to take.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <param name="cache">The dispatcher loop's endpoint cache, or null to read every endpoint from the store.</param>
    internal async Task<ClaimedRound> ClaimAsync(string workerId, int maxCount, CancellationToken cancellationToken, EndpointCache? cache = null)
    {
        var claimedAt = _timeProvider.GetUtcNow();
        var claimed = await _store.ClaimAsync(workerId, maxCount, claimedAt, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var endpoints = new Dictionary<string, WebhookEndpoint?>(StringComparer.Ordinal);
        foreach (var delivery in claimed)
        {
            if (!endpoints.ContainsKey(delivery.EndpointId))
            {
                // A cached endpoint that is missing or disabled is read again: the management API may have enabled it
                // since, and acting on the stale copy would dead-letter new events.
                if (cache is null || !cache.TryGet(delivery.EndpointId, Volatile.Read(ref _endpointChanges), out var endpoint) || endpoint is not { Enabled: true })
                {
                    endpoint = await _endpoints.GetAsync(delivery.EndpointId, cancellationToken).ConfigureAwait(false);
                    cache?.Set(delivery.EndpointId, endpoint);
                }

                endpoints[delivery.EndpointId] = endpoint;
            }
        }

        return new ClaimedRound(this, claimed, endpoints, claimed.Count == 0 ? null : _httpClientFactory.CreateClient(WebhookDeliveryDefaults.HttpClientName), claimedAt + _options.LeaseDuration);
    }

    internal Task RecordAsync(IReadOnlyList<WebhookDeliveryResult> results) =>
        _store.RecordAsync(results, _timeProvider.GetUtcNow(), CancellationToken.None);

    // Pooled state machines: one delivery is several awaits deep, and each level's box would otherwise be allocated per attempt.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<WebhookDeliveryResult> DeliverAsync(HttpClient client, WebhookDelivery delivery, WebhookEndpoint? endpoint, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (endpoint is null || !endpoint.Enabled)
        {
            // Kept as a dead letter: "recover" sends it once the endpoint is enabled again.
            return new WebhookDeliveryResult(delivery, WebhookDeliveryState.Failed, null, null);
        }

        if (!_limits.TryTakeRate(endpoint.Id, endpoint.RateLimitPerSecond, now, out var nextWindow))
        {
            return new WebhookDeliveryResult(delivery, WebhookDeliveryState.Pending, nextWindow, null);
        }

        using var slot = await _limits.AcquireAsync(endpoint.Id, cancellationToken).ConfigureAwait(false);

        // A delivery can wait in its endpoint's queue behind slow predecessors; once too little of its lease is left for
        // a whole attempt, another claim may already have taken it, so sending now could deliver it twice at once.
        // Handing it back (due now, no attempt spent) lets a fresh claim send it under a fresh lease.
        if (leaseUntil - _timeProvider.GetUtcNow() < _options.AttemptTimeout)
        {
            return new WebhookDeliveryResult(delivery, WebhookDeliveryState.Pending, _timeProvider.GetUtcNow(), null);
        }

        // Asked for only once a slot is free, so deliveries queued behind a failing endpoint's slots see the circuit
        // that their predecessors' failures opened and wait without spending an attempt or a connection.
        var breaker = BreakerOf(endpoint.Id);
        if (!breaker.TryAcquirePermit(out var permit, out var retryAfter))
        {
            return new WebhookDeliveryResult(delivery, WebhookDeliveryState.Pending, _timeProvider.GetUtcNow() + retryAfter, null);
        }

        (WebhookAttempt Attempt, TimeSpan? RetryAfter) attempt;
        try
        {
            attempt = await SendAsync(client, delivery, endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Only the dispatcher stopping gets here (any other failure is a failed attempt); that says nothing about the endpoint.
            breaker.RecordIgnored(in permit);
            throw;
        }

        if (attempt.Attempt.Outcome == WebhookAttemptOutcome.Succeeded)
        {
            breaker.RecordSuccess(in permit);
        }
        else
        {
            breaker.RecordFailure(in permit);
        }

        return await ConcludeAsync(delivery, endpoint, attempt.Attempt, attempt.RetryAfter).ConfigureAwait(false);
    }

    /// <summary>The endpoint's breaker, registered as <c>webhooks:&lt;endpointId&gt;</c> so health checks and gauges list it.</summary>
    internal CircuitBreaker BreakerOf(string endpointId) =>
        _breakers.TryGetValue(endpointId, out var breaker)
            ? breaker
            : _breakers.GetOrAdd(endpointId, static (id, self) => self._breakerRegistry.GetOrAdd(WebhookDeliveryDefaults.CircuitBreakerKeyPrefix + id, self._options.CircuitBreaker), this);

    private ValueTask<WebhookDeliveryResult> ConcludeAsync(WebhookDelivery delivery, WebhookEndpoint endpoint, WebhookAttempt attempt, TimeSpan? retryAfter)
    {
        Attempts.Add(1, new KeyValuePair<string, object?>("outcome", OutcomeName(attempt.Outcome)));
        AttemptDuration.Record(attempt.Duration.TotalSeconds);

        // A success at an endpoint that was not failing (nearly every attempt) concludes without a store call.
        if (attempt.Outcome == WebhookAttemptOutcome.Succeeded && endpoint.FailingSince is null)
        {
            _failing.TryRemove(endpoint.Id, out _);
            return new(new WebhookDeliveryResult(delivery, WebhookDeliveryState.Succeeded, null, attempt));
        }

        return ConcludeSlowAsync(delivery, endpoint, attempt, retryAfter);
    }

    private async ValueTask<WebhookDeliveryResult> ConcludeSlowAsync(WebhookDelivery delivery, WebhookEndpoint endpoint, WebhookAttempt attempt, TimeSpan? retryAfter)
    {
        var now = _timeProvider.GetUtcNow();
        if (attempt.Outcome == WebhookAttemptOutcome.Succeeded)
        {
            _failing.TryRemove(endpoint.Id, out _);
            if (endpoint.FailingSince is not null)
            {
                await MarkFailingAsync(endpoint.Id, null).ConfigureAwait(false);
            }

            return new WebhookDeliveryResult(delivery, WebhookDeliveryState.Succeeded, null, attempt);
        }

        Log.AttemptFailed(_logger, delivery.Message.Id, endpoint.Id, attempt.AttemptNumber, attempt.Outcome, attempt.StatusCode);
        if (attempt.StatusCode == (int)HttpStatusCode.Gone)
        {
            await DisableAsync(endpoint, "gone", now).ConfigureAwait(false);
            return new WebhookDeliveryResult(delivery, WebhookDeliveryState.Failed, null, attempt);
        }

        if (endpoint.FailingSince is { } since)
        {
            if (now - since >= _options.DisableAfterFailingFor)
            {
                await DisableAsync(endpoint, "failing", now).ConfigureAwait(false);
                return new WebhookDeliveryResult(delivery, WebhookDeliveryState.Failed, null, attempt);
            }
        }
        else if (_failing.TryAdd(endpoint.Id, true))
        {
            await MarkFailingAsync(endpoint.Id, now).ConfigureAwait(false);
        }

        var next = NextAttemptAt(attempt.AttemptNumber, now, retryAfter);
        return next is null
            ? new WebhookDeliveryResult(delivery, WebhookDeliveryState.Failed, null, attempt)
            : new WebhookDeliveryResult(delivery, WebhookDeliveryState.Pending, next, attempt);
    }

    /// <summary>When attempt <paramref name="attemptsMade"/> + 1 is due, or null when the schedule is spent.</summary>
    internal DateTimeOffset? NextAttemptAt(int attemptsMade, DateTimeOffset now, TimeSpan? retryAfter)
    {
        var schedule = _schedule;
        if (attemptsMade >= schedule.Count)
        {
            return null;
        }

        if (retryAfter is { } hinted)
        {
            return now + (hinted < TimeSpan.Zero ? TimeSpan.Zero : hinted > _options.MaxRetryAfter ? _options.MaxRetryAfter : hinted);
        }

        var delay = schedule[attemptsMade];
        var factor = 1 + (((NextRandom() * 2) - 1) * _options.JitterFactor);
        return now + (delay * factor);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(WebhookAttempt Attempt, TimeSpan? RetryAfter)> SendAsync(HttpClient client, WebhookDelivery delivery, WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        var startedAt = _timeProvider.GetUtcNow();
        var started = _timeProvider.GetTimestamp();
        var number = delivery.AttemptCount + 1;
        using var activity = ActivitySource.HasListeners() ? ActivitySource.StartActivity("webhook deliver", ActivityKind.Client) : null;
        activity?.SetTag("webhook.message_id", delivery.Message.Id);
        activity?.SetTag("webhook.endpoint_id", endpoint.Id);

        var uri = _targets.TryGetValue(endpoint.Url, out var target) ? target : _targets.GetOrAdd(endpoint.Url, ParseTarget);
        if (uri is null)
        {
            return (NewAttempt(delivery, endpoint, number, startedAt, started, WebhookAttemptOutcome.Blocked, null, "The endpoint URL is not an allowed absolute HTTPS URL."), null);
        }

        var timeout = RentTimeout();

        // The caller's cancellation reaches the attempt through a registration (its nodes are reused by the caller's
        // source), not a linked source allocated per attempt.
        var stopping = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        var token = timeout.Token;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(delivery.Message.Payload) };

            // Added unparsed: the handler writes the string as it is, without building a MediaTypeHeaderValue per request.
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

            // Enumerated only when there are any: enumerating the interface boxes an enumerator.
            if (endpoint.Headers.Count > 0)
            {
                foreach (var (name, value) in endpoint.Headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            var timestamp = startedAt.ToUnixTimeSeconds();
            request.Headers.TryAddWithoutValidation(_headers.Id, delivery.Message.Id);
            request.Headers.TryAddWithoutValidation(_headers.Timestamp, TimestampText(timestamp));
            request.Headers.TryAddWithoutValidation(_headers.Signature, Signatures(endpoint, delivery.Message, timestamp, startedAt));

            WebhookAttempt Attempt(WebhookAttemptOutcome outcome, int? status, string? response) =>
                NewAttempt(delivery, endpoint, number, startedAt, started, outcome, status, response);

            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                var text = await ReadCappedAsync(response, token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                activity?.SetTag("http.response.status_code", status);
                if (response.IsSuccessStatusCode)
                {
                    return (Attempt(WebhookAttemptOutcome.Succeeded, status, text), null);
                }

                TimeSpan? retryAfter = null;
                if (status is 429 or 503 && response.Headers.RetryAfter is { } hint)
                {
                    retryAfter = hint.Delta ?? (hint.Date is { } date ? date - _timeProvider.GetUtcNow() : null);
                }

                return (Attempt(WebhookAttemptOutcome.HttpError, status, text), retryAfter);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return (Attempt(WebhookAttemptOutcome.TimedOut, null, $"No response within {_options.AttemptTimeout}."), null);
            }
            catch (HttpRequestException e) when (FindBlocked(e) is { } blocked)
            {
                return (Attempt(WebhookAttemptOutcome.Blocked, null, blocked.Message), null);
            }
            catch (HttpRequestException e)
            {
                return (Attempt(WebhookAttemptOutcome.NetworkError, null, Sanitize(e.Message, endpoint)), null);
            }
#pragma warning disable CA1031 // Whatever a handler in the client's pipeline throws (an open circuit, its own timeout) is a failed attempt, not a lost one.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                // Escaping here would leave the delivery unrecorded and leased, and its endpoint's lane worker gone.
                return (Attempt(WebhookAttemptOutcome.NetworkError, null, Sanitize($"The request was not sent or not completed ({e.GetType().Name}): {e.Message}", endpoint)), null);
            }
        }
        finally
        {
            // The registration first: once it is gone no stop can cancel the source any more, and a cancelled one is
            // not reused.
            stopping.Dispose();
            ReturnTimeout(timeout);
        }
    }

    /// <summary>
    /// An error text fit for the attempt log, which the management API shows: a handler's message may quote the request,
    /// so the endpoint's URL is cut to its authority and its secrets and custom header values are masked.
    /// </summary>
    internal static string Sanitize(string text, WebhookEndpoint endpoint)
    {
        if (Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) && (url.UserInfo.Length > 0 || url.PathAndQuery.Length > 1 || url.Fragment.Length > 0))
        {
            // The authority without user info: a URL's path, query or user info may carry a token.
            var authority = url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
            text = text.Replace(endpoint.Url, authority, StringComparison.OrdinalIgnoreCase)
                .Replace(url.AbsoluteUri, authority, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var secret in endpoint.Secrets)
        {
            text = Mask(text, secret.Secret);
        }

        foreach (var (_, value) in endpoint.Headers)
        {
            text = Mask(text, value);
        }

        return Truncate(text);

        static string Mask(string text, string value) =>
            value.Length >= 4 ? text.Replace(value, "***", StringComparison.Ordinal) : text;
    }

    /// <summary>An attempt's timeout source: a reset one from earlier attempts, or a new one on the processor's clock.</summary>
    private CancellationTokenSource RentTimeout()
    {
        if (!_timeouts.TryDequeue(out var timeout))
        {
            timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        }

        timeout.CancelAfter(_options.AttemptTimeout);
        return timeout;
    }

    /// <summary>
    /// Keeps the source for the next attempt when it can be reset (its timer stopped, its registrations gone), so an
    /// attempt costs neither a source nor a timer; a cancelled one is dropped. At most one source per attempt running
    /// at once is kept.
    /// </summary>
    private void ReturnTimeout(CancellationTokenSource timeout)
    {
        if (timeout.TryReset())
        {
            _timeouts.Enqueue(timeout);
        }
        else
        {
            timeout.Dispose();
        }
    }

    /// <summary>The <c>webhook-timestamp</c> value: formatted once per second, not once per attempt.</summary>
    private string TimestampText(long timestamp)
    {
        var cached = _timestampText;
        if (cached?.Seconds != timestamp)
        {
            cached = new TimestampCache(timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
            _timestampText = cached;
        }

        return cached.Text;
    }

    // The metric tag per attempt without Enum.ToString's allocation, by member rather than by position, so that
    // members added out of order or with explicit values keep their own names.
    private static string OutcomeName(WebhookAttemptOutcome outcome) => outcome switch
    {
        WebhookAttemptOutcome.Succeeded => nameof(WebhookAttemptOutcome.Succeeded),
        WebhookAttemptOutcome.HttpError => nameof(WebhookAttemptOutcome.HttpError),
        WebhookAttemptOutcome.TimedOut => nameof(WebhookAttemptOutcome.TimedOut),
        WebhookAttemptOutcome.NetworkError => nameof(WebhookAttemptOutcome.NetworkError),
        WebhookAttemptOutcome.Blocked => nameof(WebhookAttemptOutcome.Blocked),
        _ => outcome.ToString(),
    };

    private WebhookAttempt NewAttempt(WebhookDelivery delivery, WebhookEndpoint endpoint, int number, DateTimeOffset startedAt, long started, WebhookAttemptOutcome outcome, int? status, string? response) =>
        new(delivery.Message.Id, endpoint.Id, number, startedAt, outcome, status, _timeProvider.GetElapsedTime(started), response);

    private Uri? ParseTarget(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (!_options.RequireHttps || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    /// <summary>The signature header: every live secret's signature, space-separated, written into one stack buffer.</summary>
    private string Signatures(WebhookEndpoint endpoint, WebhookMessage message, long timestamp, DateTimeOffset now)
    {
        const int MaxOnStack = 4;
        var secrets = endpoint.Secrets;
        var capacity = secrets.Count * (WebhookSigner.SignatureLength + 1);
        var rented = secrets.Count > MaxOnStack ? ArrayPool<char>.Shared.Rent(capacity) : null;
        Span<char> buffer = rented ?? stackalloc char[MaxOnStack * (WebhookSigner.SignatureLength + 1)];
        try
        {
            var length = 0;
            for (var i = 0; i < secrets.Count; i++)
            {
                var secret = secrets[i];
                if (secret.ExpiresAt is { } expires && expires <= now)
                {
                    continue;
                }

                if (length > 0)
                {
                    buffer[length++] = ' ';
                }

                var parsed = _secrets.TryGetValue(secret.Secret, out var known) ? known : _secrets.GetOrAdd(secret.Secret, WebhookSecret.Parse);
                length += WebhookSigner.Sign(parsed, message.Id, timestamp, message.Payload.Span, buffer[length..]);
            }

            return new string(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private async Task<string?> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // 204 and 304 have no body by definition (RFC 9110), whatever the headers say; nothing to open a stream for.
        if (_options.MaxResponseBytes == 0 || response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotModified || response.Content.Headers.ContentLength == 0)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(_options.MaxResponseBytes);
            try
            {
                var length = 0;
                int read;
                while (length < _options.MaxResponseBytes && (read = await stream.ReadAsync(buffer.AsMemory(length, _options.MaxResponseBytes - length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }

                return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task MarkFailingAsync(string endpointId, DateTimeOffset? since)
    {
        var current = await _endpoints.GetAsync(endpointId, CancellationToken.None).ConfigureAwait(false);
        if (current is not null && current.FailingSince != since)
        {
            await _endpoints.UpdateAsync(current with { FailingSince = since }, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _endpointChanges);
        }
    }

    private async Task DisableAsync(WebhookEndpoint endpoint, string reason, DateTimeOffset now)
    {
        var current = await _endpoints.GetAsync(endpoint.Id, CancellationToken.None).ConfigureAwait(false);
        if (current is null || !current.Enabled)
        {
            return;
        }

        await _endpoints.UpdateAsync(current with { Enabled = false, DisabledReason = reason, UpdatedAt = now }, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Increment(ref _endpointChanges);
        _failing.TryRemove(endpoint.Id, out _);
        Disabled.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Log.EndpointDisabled(_logger, endpoint.Id, reason);
        if (_options.OnEndpointDisabled is { } callback)
        {
            await callback(new WebhookEndpointDisabledContext(current, reason, now)).ConfigureAwait(false);
        }
    }

    private static WebhookAddressBlockedException? FindBlocked(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is WebhookAddressBlockedException blocked)
            {
                return blocked;
            }
        }

        return null;
    }

    private static string Truncate(string text) => text.Length <= 512 ? text : text[..512];

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Webhook {MessageId} to endpoint {EndpointId}: attempt {Attempt} failed ({Outcome}, status {StatusCode}).", EventName = "WebhookAttemptFailed")]
        public static partial void AttemptFailed(ILogger logger, string messageId, string endpointId, int attempt, WebhookAttemptOutcome outcome, int? statusCode);

        [LoggerMessage(2, LogLevel.Warning, "Webhook endpoint {EndpointId} disabled: {Reason}.", EventName = "WebhookEndpointDisabled")]
        public static partial void EndpointDisabled(ILogger logger, string endpointId, string reason);
    }

    private sealed record TimestampCache(long Seconds, string Text);

    /// <summary>Deliveries claimed together, with their endpoints and the client they go out on.</summary>
    internal sealed class ClaimedRound(WebhookDeliveryProcessor processor, IReadOnlyList<WebhookDelivery> deliveries, Dictionary<string, WebhookEndpoint?> endpoints, HttpClient? client, DateTimeOffset leaseUntil)
    {
        public IReadOnlyList<WebhookDelivery> Deliveries => deliveries;

        /// <summary>Gets when the round's leases end (measured from before the claim, so never later than the store's).</summary>
        public DateTimeOffset LeaseUntil => leaseUntil;

        public ValueTask<WebhookDeliveryResult> DeliverAsync(int index, CancellationToken cancellationToken) =>
            processor.DeliverAsync(client!, deliveries[index], endpoints[deliveries[index].EndpointId], leaseUntil, cancellationToken);
    }
}
