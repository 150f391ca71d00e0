using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiKit.Webhooks;

/// <summary>Refuses requests whose webhook signature, timestamp, size or id does not pass, with a 4xx ProblemDetails.</summary>
internal sealed partial class WebhookSignatureFilter(string optionsName) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var registry = services.GetRequiredService<WebhookVerifierRegistry>();
        var (options, verifier) = registry.Get(optionsName);
        var logger = services.GetRequiredService<ILogger<WebhookSignatureFilter>>();

        if (http.Request.ContentLength > options.MaxBodyBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Webhook body too large", $"The body exceeds {options.MaxBodyBytes} bytes.");
        }

        var body = await ReadBodyAsync(http.Request, options.MaxBodyBytes, http.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Webhook body too large", $"The body exceeds {options.MaxBodyBytes} bytes.");
        }

        var headers = http.Request.Headers;
        string id = headers[verifier.HeaderNames.Id].ToString();
        var status = verifier.Verify(id, headers[verifier.HeaderNames.Timestamp].ToString(), headers[verifier.HeaderNames.Signature].ToString(), body);
        if (status != WebhookVerificationStatus.Valid)
        {
            Log.Refused(logger, status);
            return status switch
            {
                WebhookVerificationStatus.MissingHeaders => Problem(StatusCodes.Status400BadRequest, "Webhook headers missing", $"{verifier.HeaderNames.Id}, {verifier.HeaderNames.Timestamp} and {verifier.HeaderNames.Signature} are required."),
                WebhookVerificationStatus.MalformedTimestamp => Problem(StatusCodes.Status400BadRequest, "Webhook timestamp malformed", $"{verifier.HeaderNames.Timestamp} must be Unix seconds."),
                WebhookVerificationStatus.TimestampOutsideTolerance => Problem(StatusCodes.Status401Unauthorized, "Webhook timestamp outside tolerance", $"The timestamp must lie within {options.Tolerance} of the receiver's clock."),
                WebhookVerificationStatus.NoSecret => Problem(StatusCodes.Status401Unauthorized, "Webhook signature invalid", "No signing secret is configured for this endpoint."),
                _ => Problem(StatusCodes.Status401Unauthorized, "Webhook signature invalid", "No signature matched."),
            };
        }

        IDistributedCache? cache = null;
        string? replayKey = null;
        if (options.ReplayProtection)
        {
            cache = services.GetRequiredService<IDistributedCache>();
            replayKey = options.ReplayKeyPrefix + optionsName + ":" + id;
            if (await cache.GetAsync(replayKey, http.RequestAborted).ConfigureAwait(false) is not null)
            {
                Log.Replayed(logger);
                return Problem(StatusCodes.Status409Conflict, "Webhook already received", "This webhook id was already accepted.");
            }

            // Kept twice the tolerance: past that the timestamp check refuses a replay on its own.
            await cache.SetAsync(replayKey, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Tolerance * 2 }, http.RequestAborted).ConfigureAwait(false);
        }

        http.Request.Body = new MemoryStream(body, writable: false);
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch
        {
            // A handler that failed did not process the event: let the sender's retry through.
            if (cache is not null)
            {
                await cache.RemoveAsync(replayKey!, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 16 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > limit)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Incoming webhook refused: {Status}.", EventName = "WebhookRefused")]
        public static partial void Refused(ILogger logger, WebhookVerificationStatus status);

        [LoggerMessage(2, LogLevel.Warning, "Incoming webhook refused: its id was already received.", EventName = "WebhookReplayed")]
        public static partial void Replayed(ILogger logger);
    }
}

/// <summary>One verifier per named receiver options, rebuilt when the monitor hands out a new options instance.</summary>
internal sealed class WebhookVerifierRegistry(IOptionsMonitor<WebhookReceiverOptions> monitor, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, (WebhookReceiverOptions Options, WebhookVerifier Verifier)> _cache = new(StringComparer.Ordinal);

    public (WebhookReceiverOptions Options, WebhookVerifier Verifier) Get(string name)
    {
        var options = monitor.Get(name);
        if (_cache.TryGetValue(name, out var entry) && ReferenceEquals(entry.Options, options))
        {
            return entry;
        }

        entry = (options, new WebhookVerifier(options, timeProvider));
        _cache[name] = entry;
        return entry;
    }
}
