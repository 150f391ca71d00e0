using System.Runtime.InteropServices;
using System.Text;

namespace ApiKit.Security.Tests.Passwords;

/// <summary>Debian's libsodium (package libsodium23), a second peer for the PHC string format. Tests only.</summary>
internal static unsafe partial class Libsodium
{
    private const string Library = "libsodium.so.23";
    private const int Argon2id13 = 2;
    private const int StringBytes = 128;

    public static string HashString(ReadOnlySpan<byte> password, int iterations, int memoryKiB)
    {
        Initialize();
        var output = new byte[StringBytes];
        fixed (byte* o = output, p = password)
        {
            if (crypto_pwhash_str_alg(o, p, (ulong)password.Length, (ulong)iterations, (nuint)(memoryKiB * 1024L), Argon2id13) != 0)
            {
                throw new InvalidOperationException("crypto_pwhash_str_alg failed.");
            }
        }

        return Encoding.ASCII.GetString(output, 0, Array.IndexOf(output, (byte)0));
    }

    public static bool Verify(string encoded, ReadOnlySpan<byte> password)
    {
        Initialize();
        var bytes = new byte[StringBytes];
        Encoding.ASCII.GetBytes(encoded, bytes);
        fixed (byte* e = bytes, p = password)
        {
            return crypto_pwhash_str_verify(e, p, (ulong)password.Length) == 0;
        }
    }

    private static void Initialize()
    {
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("sodium_init failed.");
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_pwhash_str_alg(byte* output, byte* password, ulong passwordLength, ulong opsLimit, nuint memLimit, int algorithm);

    [LibraryImport(Library)]
    private static partial int crypto_pwhash_str_verify(byte* encoded, byte* password, ulong passwordLength);
}
