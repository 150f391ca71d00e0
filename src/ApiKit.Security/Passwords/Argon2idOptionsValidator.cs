using Microsoft.Extensions.Options;

namespace ApiKit.Security.Passwords;

internal sealed class Argon2idOptionsValidator : IValidateOptions<Argon2idOptions>
{
    public ValidateOptionsResult Validate(string? name, Argon2idOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, options.MemoryKiB, Argon2idDefaults.MinMemoryKiB, Argon2idDefaults.MaxMemoryKiB, nameof(options.MemoryKiB));
        Check(failures, options.Iterations, 1, Argon2idDefaults.MaxIterations, nameof(options.Iterations));
        Check(failures, options.Parallelism, 1, Argon2idDefaults.MaxParallelism, nameof(options.Parallelism));
        Check(failures, options.SaltLength, 8, 64, nameof(options.SaltLength));
        Check(failures, options.HashLength, 16, 64, nameof(options.HashLength));
        Check(failures, options.MaxPasswordLength, 8, 4096, nameof(options.MaxPasswordLength));
        Check(failures, options.MaxConcurrentHashes, 1, 1024, nameof(options.MaxConcurrentHashes));
        Check(failures, options.MaxVerificationMemoryKiB, options.MemoryKiB, Argon2idDefaults.MaxMemoryKiB, nameof(options.MaxVerificationMemoryKiB));
        if (options.MemoryKiB < 8 * options.Parallelism)
        {
            failures.Add($"{nameof(options.MemoryKiB)} must be at least 8 KiB per lane ({8 * options.Parallelism} KiB for {options.Parallelism} lanes).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} is {value}; it must be between {min} and {max}.");
        }
    }
}
