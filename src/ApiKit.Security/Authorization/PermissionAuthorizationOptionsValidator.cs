using Microsoft.Extensions.Options;

namespace ApiKit.Security.Authorization;

/// <summary>Builds the matrix once at start-up, so a typo in the grid fails the host instead of a request.</summary>
internal sealed class PermissionAuthorizationOptionsValidator : IValidateOptions<PermissionAuthorizationOptions>
{
    public ValidateOptionsResult Validate(string? name, PermissionAuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            _ = options.BuildMatrix();
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }

        return options.EditWindow is { } window && window <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail("PermissionAuthorizationOptions.EditWindow must be positive.")
            : ValidateOptionsResult.Success;
    }
}
