using System.Net;
using System.Net.Http.Headers;


namespace ApiKit.Resilience.Http;

/// <summary>Classifies HTTP outcomes the way the standard pipeline does.</summary>
public static class HttpOutcomes
{
    /// <summary>
    /// Whether <paramref name="result"/> is a transient HTTP failure: a response with status 5xx, 408 (Request Timeout)
    /// or 429 (Too Many Requests).
    /// </summary>
    /// <param name="result">The result of a call.</param>
    /// <returns>Whether the result is a transient failure.</returns>
    public static bool IsTransientResult(object? result) =>
        result is HttpResponseMessage response && IsTransientStatus(response.StatusCode);

    /// <summary>Whether <paramref name="status"/> is 5xx, 408 or 429.</summary>
    /// <param name="status">The status code.</param>
    /// <returns>Whether the status is transient.</returns>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        (int)status >= 500 || status == HttpStatusCode.RequestTimeout || status == HttpStatusCode.TooManyRequests;

    /// <summary>
    /// Whether <paramref name="exception"/> is a transient HTTP failure: <see cref="HttpRequestException"/>,
    /// <see cref="TimeoutRejectedException"/>, or a <see cref="TaskCanceledException"/> raised by HttpClient's own timeout.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>Whether the exception is transient.</returns>
    public static bool IsTransientException(Exception exception) =>
        exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
        || exception is TaskCanceledException { InnerException: TimeoutException };

    /// <summary>Whether <paramref name="method"/> is safe (RFC 9110 §9.2.1: GET, HEAD, OPTIONS, TRACE) and so always safe to retry.</summary>
    /// <param name="method">The method.</param>
    /// <returns>Whether the method is safe.</returns>
    public static bool IsSafeMethod(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace;

    /// <summary>
    /// The delay a 429 or 503 response asks for in its <c>Retry-After</c> header (delta-seconds or HTTP-date), or
    /// <see langword="null"/> when there is none.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="timeProvider">The clock an HTTP-date is compared with.</param>
    /// <returns>The requested delay, never negative, or <see langword="null"/>.</returns>
    public static TimeSpan? GetRetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            || response.Headers.RetryAfter is not RetryConditionHeaderValue header)
        {
            return null;
        }

        var delay = header.Delta ?? (header.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        return delay is { } d ? (d < TimeSpan.Zero ? TimeSpan.Zero : d) : null;
    }
}
