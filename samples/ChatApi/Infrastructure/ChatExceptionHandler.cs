using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ChatApi.Infrastructure;

/// <summary>
/// Turns every exception into an RFC 9457 response. Client mistakes that the framework reports as
/// <see cref="BadHttpRequestException"/> (malformed JSON, wrong JSON types, missing or oversized bodies,
/// wrong content type) keep their 4xx status; anything else is a 500 whose body says nothing about the
/// exception, which is only logged.
/// </summary>
internal sealed partial class ChatExceptionHandler(IProblemDetailsService problemDetails, ILogger<ChatExceptionHandler> logger)
    : IExceptionHandler
{
    private const int StatusCodeClientClosedRequest = 499;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException badRequest)
        {
            LogBadRequest(logger, badRequest.StatusCode, badRequest.Message);
            problem = FromBadRequest(badRequest);
        }
        else if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads the response. 499 (nginx's "client closed request") keeps the request log honest.
            LogAborted(logger);
            httpContext.Response.StatusCode = StatusCodeClientClosedRequest;
            return true;
        }
        else
        {
            LogUnhandled(logger, exception);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Detail = "An unexpected error occurred. Quote the traceId when reporting it.",
            };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json)
        {
            // JsonException.Path is where reading stopped ("$.username"): report it under the field's JSON name.
            var field = json.Path is null or "$" ? "$" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
            return new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = [field == "$"
                    ? "The body is not valid JSON or not a JSON object."
                    : "The value is not valid JSON or has the wrong JSON type for this field."],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Detail = "The request body could not be read as the expected JSON document.",
            };
        }

        return new ProblemDetails
        {
            Status = exception.StatusCode,
            Detail = exception.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is larger than this API accepts.",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON ('Content-Type: application/json').",
                _ => "The request is malformed: a required body is missing or a value could not be read.",
            },
        };
    }

    [LoggerMessage(1, LogLevel.Information, "Bad request answered with {StatusCode}: {Reason}")]
    private static partial void LogBadRequest(ILogger logger, int statusCode, string reason);

    [LoggerMessage(2, LogLevel.Debug, "The client aborted the request")]
    private static partial void LogAborted(ILogger logger);

    [LoggerMessage(3, LogLevel.Error, "Unhandled exception")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);
}
