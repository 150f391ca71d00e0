using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Infrastructure;

/// <summary>
/// RFC 9457 problem results for the outcomes the API reports. Each carries a stable machine-readable
/// <c>code</c> extension so that clients need not parse the human-readable <c>detail</c>.
/// </summary>
internal static class Problems
{
    public static ProblemHttpResult NotFound(string code, string detail) => Create(StatusCodes.Status404NotFound, code, detail);

    public static ProblemHttpResult Unauthorized(string code, string detail) => Create(StatusCodes.Status401Unauthorized, code, detail);

    public static ProblemHttpResult Forbidden(string code, string detail) => Create(StatusCodes.Status403Forbidden, code, detail);

    /// <summary>The answer when the permission matrix or an ownership rule refuses an authenticated user.</summary>
    public static ProblemHttpResult Forbidden(string permission) =>
        Forbidden("forbidden", $"Your role does not grant '{permission}' on this resource, and you neither own it nor own its room.");

    public static ProblemHttpResult TooManyRequests(string code, string detail) => Create(StatusCodes.Status429TooManyRequests, code, detail);

    public static ProblemHttpResult Conflict(string code, string detail) => Create(StatusCodes.Status409Conflict, code, detail);

    public static ProblemHttpResult Unprocessable(string code, string detail) => Create(StatusCodes.Status422UnprocessableEntity, code, detail);

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "One or more fields are invalid; see 'errors'.");

    private static ProblemHttpResult Create(int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });
}
