using Microsoft.Extensions.Options;

namespace ApiKit.Security.Jwt;

/// <summary>Checks what DataAnnotations cannot: non-empty audiences and known algorithms.</summary>
internal sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Audiences.Count == 0 || options.Audiences.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("JwtOptions.Audiences needs at least one non-empty audience.");
        }

        if (options.Algorithms.Any(a => !Enum.IsDefined(a)))
        {
            failures.Add("JwtOptions.Algorithms lists an unknown algorithm.");
        }

        if (string.IsNullOrWhiteSpace(options.TokenType) || options.TokenType.Length > 32)
        {
            failures.Add("JwtOptions.TokenType must be a short media type such as 'at+jwt'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
