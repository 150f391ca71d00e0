using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.RateLimiting;

/// <summary>Writes rejections: 429 (or 403 for the deny-list) with an RFC 9457 ProblemDetails body.</summary>
internal static class RateLimitRejection
{
    public static async ValueTask WriteAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var evaluation = http.Features.Get<PolicyEvaluation>();
        var problem = new ProblemDetails();
        if (evaluation?.Verdict == RateLimitVerdict.DenyListed)
        {
            problem.Status = StatusCodes.Status403Forbidden;
            problem.Title = "Forbidden";
            problem.Type = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4";
            problem.Detail = "This client may not use this API.";
        }
        else
        {
            problem.Status = StatusCodes.Status429TooManyRequests;
            problem.Title = "Too Many Requests";
            problem.Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4";
            if (evaluation is { DenyingLimit: >= 0 } refused)
            {
                var limit = refused.Policy.Limits[refused.DenyingLimit];
                problem.Detail = $"The rate limit '{limit.Name}' of policy '{refused.Policy.Name}' is exhausted.";
                problem.Extensions["policy"] = refused.Policy.Name;
                problem.Extensions["limit"] = limit.Name;
                if (refused.RetryAfterMicros > 0)
                {
                    problem.Extensions["retryAfter"] = RateLimitHeaders.Seconds(refused.RetryAfterMicros);
                }
            }
            else
            {
                problem.Detail = "The rate limit is exhausted.";
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    var seconds = (long)Math.Ceiling(retryAfter.TotalSeconds);
                    http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    problem.Extensions["retryAfter"] = seconds;
                }
            }
        }

        http.Response.StatusCode = problem.Status.Value;
        var writer = http.RequestServices.GetService<IProblemDetailsService>();
        if (writer is null || !await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }).ConfigureAwait(false))
        {
            await http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken).ConfigureAwait(false);
        }
    }
}
