namespace ApiKit.Security.Passwords;

/// <summary>Options of the Argon2id password hasher.</summary>
public sealed class Argon2idOptions
{
    /// <summary>Gets or sets the memory cost of new hashes, in KiB.</summary>
    /// <value>The default is <see cref="Argon2idDefaults.MemoryKiB"/> (19456 KiB). Allowed: <see cref="Argon2idDefaults.MinMemoryKiB"/> to <see cref="Argon2idDefaults.MaxMemoryKiB"/>.</value>
    public int MemoryKiB { get; set; } = Argon2idDefaults.MemoryKiB;

    /// <summary>Gets or sets the number of passes of new hashes.</summary>
    /// <value>The default is <see cref="Argon2idDefaults.Iterations"/> (2). Allowed: 1 to <see cref="Argon2idDefaults.MaxIterations"/>.</value>
    public int Iterations { get; set; } = Argon2idDefaults.Iterations;

    /// <summary>Gets or sets the number of lanes of new hashes; lanes are filled in parallel.</summary>
    /// <value>The default is <see cref="Argon2idDefaults.Parallelism"/> (1). Allowed: 1 to <see cref="Argon2idDefaults.MaxParallelism"/>.</value>
    public int Parallelism { get; set; } = Argon2idDefaults.Parallelism;

    /// <summary>Gets or sets the length of the random salt of new hashes, in bytes.</summary>
    /// <value>The default is <see cref="Argon2idDefaults.SaltLength"/> (16). Allowed: 8 to 64.</value>
    public int SaltLength { get; set; } = Argon2idDefaults.SaltLength;

    /// <summary>Gets or sets the length of new hashes, in bytes.</summary>
    /// <value>The default is <see cref="Argon2idDefaults.HashLength"/> (32). Allowed: 16 to 64.</value>
    public int HashLength { get; set; } = Argon2idDefaults.HashLength;

    /// <summary>Gets or sets the longest password accepted, in characters. Longer passwords are refused by
    /// hashing and never verify, so a login storm of huge passwords cannot cost more than normal ones.</summary>
    /// <value>The default is <see cref="Argon2idDefaults.MaxPasswordLength"/> (256). Allowed: 8 to 4096.</value>
    public int MaxPasswordLength { get; set; } = Argon2idDefaults.MaxPasswordLength;

    /// <summary>Gets or sets how many hashes (or verifications) may run at the same time. Further callers
    /// wait in a queue before any block memory is taken, which bounds memory to this many times the cost.</summary>
    /// <value>The default is <see cref="Argon2idDefaults.MaxConcurrentHashes"/> (the processor count). Allowed: 1 to 1024.</value>
    public int MaxConcurrentHashes { get; set; } = Argon2idDefaults.MaxConcurrentHashes;

    /// <summary>Gets or sets the largest memory cost, in KiB, a stored hash may ask for. Hashes above it fail
    /// verification instead of allocating what a tampered or foreign record asks for.</summary>
    /// <value>The default is <see cref="Argon2idDefaults.MaxVerificationMemoryKiB"/> (262144 KiB). Must be at least <see cref="MemoryKiB"/>.</value>
    public int MaxVerificationMemoryKiB { get; set; } = Argon2idDefaults.MaxVerificationMemoryKiB;
}
