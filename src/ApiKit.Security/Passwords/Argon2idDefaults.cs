namespace ApiKit.Security.Passwords;

/// <summary>
/// Default values of <see cref="Argon2idOptions"/>: the cost from OWASP's Password Storage Cheat Sheet
/// (m=19456 KiB, t=2, p=1) and the bounds the options are validated against.
/// </summary>
public static class Argon2idDefaults
{
    /// <summary>Memory cost in KiB (19 MiB), OWASP's recommended minimum for Argon2id.</summary>
    public const int MemoryKiB = 19456;

    /// <summary>Number of passes over the memory.</summary>
    public const int Iterations = 2;

    /// <summary>Number of lanes (degree of parallelism).</summary>
    public const int Parallelism = 1;

    /// <summary>Salt length in bytes (128 bits, RFC 9106's recommendation).</summary>
    public const int SaltLength = 16;

    /// <summary>Hash (tag) length in bytes (256 bits, RFC 9106's recommendation).</summary>
    public const int HashLength = 32;

    /// <summary>Longest password accepted, in UTF-16 characters.</summary>
    public const int MaxPasswordLength = 256;

    /// <summary>Largest memory cost, in KiB, a stored hash may ask for before verification refuses it (256 MiB).</summary>
    public const int MaxVerificationMemoryKiB = 262144;

    /// <summary>Smallest configurable memory cost in KiB; below OWASP's lowest recommended setting (7 MiB) Argon2id is not worth its name.</summary>
    public const int MinMemoryKiB = 7168;

    /// <summary>Largest configurable memory cost in KiB (4 GiB).</summary>
    public const int MaxMemoryKiB = 4194304;

    /// <summary>Largest configurable or verifiable number of passes.</summary>
    public const int MaxIterations = 64;

    /// <summary>Largest configurable or verifiable number of lanes.</summary>
    public const int MaxParallelism = 64;

    /// <summary>Gets the default cap on hashes computed at the same time: the number of processors.</summary>
    public static int MaxConcurrentHashes => Environment.ProcessorCount;
}
