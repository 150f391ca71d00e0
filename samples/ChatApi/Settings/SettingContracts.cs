using System.Text.RegularExpressions;
using ChatApi.Data;
using ChatApi.Infrastructure;

namespace ChatApi.Settings;

/// <summary>The shape of a setting's key and value.</summary>
internal static partial class SettingRules
{
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 1024;

    public static bool IsValidKey(string? key) => key is { Length: >= 1 and <= MaxKeyLength } && KeyPattern().IsMatch(key);

    public static void Key(ValidationErrors errors, string? key)
    {
        if (errors.Text("key", key, 1, MaxKeyLength) && !IsValidKey(key))
        {
            errors.Add("key", "'key' may contain only lower-case letters, digits, '.', '_' and '-'.");
        }
    }

    public static void Value(ValidationErrors errors, string? value) => errors.Text("value", value, 0, MaxValueLength);

    [GeneratedRegex("^[a-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}

/// <summary>The body of <c>POST /api/v1/settings</c>.</summary>
internal sealed record CreateSettingRequest(string? Key, string? Value)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        SettingRules.Key(errors, Key);
        SettingRules.Value(errors, Value);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>The body of <c>PUT /api/v1/settings/{key}</c>: the new value.</summary>
internal sealed record UpdateSettingRequest(string? Value)
{
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        SettingRules.Value(errors, Value);
        return errors.HasErrors ? errors.ToDictionary() : null;
    }
}

/// <summary>A setting as the API returns it.</summary>
internal sealed record SettingResponse(string Key, string Value, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static SettingResponse From(SettingRecord setting) => new(setting.Key, setting.Value, setting.CreatedAt, setting.UpdatedAt);
}
