using Microsoft.Extensions.Options;

namespace ApiKit.Security.Mfa;

internal sealed class MfaLockoutOptionsValidator : IValidateOptions<MfaLockoutOptions>
{
    public ValidateOptionsResult Validate(string? name, MfaLockoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxFailedAttempts is < 1 or > 100)
        {
            failures.Add($"{nameof(options.MaxFailedAttempts)} is {options.MaxFailedAttempts}; it must be between 1 and 100.");
        }

        if (options.LockoutDuration < TimeSpan.FromSeconds(1) || options.LockoutDuration > TimeSpan.FromDays(1))
        {
            failures.Add($"{nameof(options.LockoutDuration)} is {options.LockoutDuration}; it must be between 1 second and 1 day.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class BackupCodeOptionsValidator : IValidateOptions<BackupCodeOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupCodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Count is < 1 or > 50)
        {
            failures.Add($"{nameof(options.Count)} is {options.Count}; it must be between 1 and 50.");
        }

        if (options.Length is < 10 or > 32)
        {
            failures.Add($"{nameof(options.Length)} is {options.Length}; it must be between 10 and 32.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
