using ApiKit.Security.Authorization;
using ChatApi.Data;
using ChatApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApi.Settings;

/// <summary><c>/api/v1/settings</c>: application key/value settings (Admins write, Moderators and Users read).</summary>
internal static class SettingEndpoints
{
    public static IEndpointRouteBuilder MapSettingEndpoints(this IEndpointRouteBuilder app)
    {
        var settings = app.MapGroup("/api/settings").WithTags("Settings");

        settings.MapPost("/", CreateAsync).WithName("CreateSetting").WithSummary("Creates a setting.")
            .RequirePermission(Permissions.SettingCreate)
            .ProducesProblem(StatusCodes.Status409Conflict);
        settings.MapGet("/", ListAsync).WithName("ListSettings").WithSummary("Lists every setting, ordered by key.")
            .RequirePermission(Permissions.SettingRead);
        settings.MapGet("/{key}", GetAsync).WithName("GetSetting").WithSummary("Reads a setting.")
            .RequirePermission(Permissions.SettingRead)
            .ProducesProblem(StatusCodes.Status404NotFound);
        settings.MapPut("/{key}", UpdateAsync).WithName("UpdateSetting").WithSummary("Replaces the value of an existing setting.")
            .RequirePermission(Permissions.SettingUpdate)
            .ProducesProblem(StatusCodes.Status404NotFound);
        settings.MapDelete("/{key}", DeleteAsync).WithName("DeleteSetting").WithSummary("Deletes a setting.")
            .RequirePermission(Permissions.SettingDelete)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<SettingResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateSettingRequest request, ISettingRepository settings, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        var now = timeProvider.GetUtcNow();
        var setting = new SettingRecord(request.Key!, request.Value!, now, now);
        return await settings.CreateAsync(setting, cancellationToken) == WriteResult.Success
            ? TypedResults.Created($"/api/v1/settings/{setting.Key}", SettingResponse.From(setting))
            : Problems.Conflict("setting_key_taken", $"The setting '{setting.Key}' already exists.");
    }

    // The list is small and administered by hand, so it is returned whole rather than paged: the shared cursor is a
    // (time, GUID) keyset and does not fit a string key.
    private static async Task<Ok<IReadOnlyList<SettingResponse>>> ListAsync(ISettingRepository settings, CancellationToken cancellationToken)
    {
        var all = await settings.ListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SettingResponse>>([.. all.Select(SettingResponse.From)]);
    }

    private static async Task<Results<Ok<SettingResponse>, ProblemHttpResult>> GetAsync(string key, ISettingRepository settings, CancellationToken cancellationToken) =>
        SettingRules.IsValidKey(key) && await settings.GetAsync(key, cancellationToken) is { } setting
            ? TypedResults.Ok(SettingResponse.From(setting))
            : SettingNotFound(key);

    private static async Task<Results<Ok<SettingResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string key, UpdateSettingRequest request, ISettingRepository settings, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Validate() is { } errors)
        {
            return Problems.Validation(errors);
        }

        if (!SettingRules.IsValidKey(key) || await settings.GetAsync(key, cancellationToken) is not { } setting)
        {
            return SettingNotFound(key);
        }

        var updated = setting with { Value = request.Value!, UpdatedAt = timeProvider.GetUtcNow() };
        return await settings.UpdateAsync(updated, cancellationToken) == WriteResult.Success
            ? TypedResults.Ok(SettingResponse.From(updated))
            : SettingNotFound(key);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string key, ISettingRepository settings, CancellationToken cancellationToken) =>
        SettingRules.IsValidKey(key) && await settings.DeleteAsync(key, cancellationToken) ? TypedResults.NoContent() : SettingNotFound(key);

    // A key that breaks the key rules cannot exist, so it is not found rather than invalid, like a room id that is not a GUID.
    private static ProblemHttpResult SettingNotFound(string key) => Problems.NotFound("setting_not_found", $"There is no setting '{key}'.");
}
