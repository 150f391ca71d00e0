using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ApiKit.RateLimiting;

/// <summary>
/// Writes the rate limit headers of a request: <c>RateLimit-Policy</c> and <c>RateLimit</c> as structured-field lists
/// (RFC 9651) per draft-ietf-httpapi-ratelimit-headers, one item per applicable limit, named after the limit
/// (<c>"user";q=1000;w=3600</c>, <c>"user";r=998;t=2950</c>); optionally the legacy <c>X-RateLimit-*</c> trio for the
/// most restrictive limit; and <c>Retry-After</c> (delta-seconds) on a rejection.
/// </summary>
internal static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string RateLimit = "RateLimit";
    public const string LegacyLimit = "X-RateLimit-Limit";
    public const string LegacyRemaining = "X-RateLimit-Remaining";
    public const string LegacyReset = "X-RateLimit-Reset";

    public static void Write(HttpResponse response, PolicyEvaluation evaluation, RateLimitHeaderMode mode)
    {
        var headers = response.Headers;
        if (!evaluation.Allowed && evaluation.RetryAfterMicros > 0)
        {
            headers.RetryAfter = Seconds(evaluation.RetryAfterMicros).ToString(CultureInfo.InvariantCulture);
        }

        if (!evaluation.HasDecisions)
        {
            return;
        }

        var limits = evaluation.Policy.Limits;
        if ((mode & RateLimitHeaderMode.Ietf) != 0)
        {
            var policy = new StringBuilder();
            var current = new StringBuilder();
            for (var i = 0; i < limits.Length; i++)
            {
                if (evaluation.Keys[i] is null)
                {
                    continue;
                }

                var separator = policy.Length > 0 ? ", " : string.Empty;
                policy.Append(CultureInfo.InvariantCulture, $"{separator}\"{limits[i].Name}\";q={limits[i].Parameters.PermitLimit};w={limits[i].WindowSeconds}");
                current.Append(CultureInfo.InvariantCulture, $"{separator}\"{limits[i].Name}\";r={Math.Max(0, evaluation.Decisions[i].Remaining)};t={Seconds(evaluation.Decisions[i].ResetMicros)}");
            }

            if (policy.Length > 0)
            {
                headers[Policy] = policy.ToString();
                headers[RateLimit] = current.ToString();
            }
        }

        if ((mode & RateLimitHeaderMode.Legacy) != 0 && evaluation.MostRestrictive() is var index and >= 0)
        {
            headers[LegacyLimit] = limits[index].Parameters.PermitLimit.ToString(CultureInfo.InvariantCulture);
            headers[LegacyRemaining] = Math.Max(0, evaluation.Decisions[index].Remaining).ToString(CultureInfo.InvariantCulture);
            headers[LegacyReset] = Seconds(evaluation.Decisions[index].ResetMicros).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Whole seconds, rounded up so that a client waiting that long is never early.</summary>
    public static long Seconds(long micros) => LimitMath.CeilDiv(micros, 1_000_000);
}
