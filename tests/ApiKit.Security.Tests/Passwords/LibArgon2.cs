using System.Runtime.InteropServices;
using System.Text;

namespace ApiKit.Security.Tests.Passwords;

/// <summary>Debian's reference Argon2 (package libargon2-1), the differential oracle. Tests only.</summary>
internal static unsafe partial class LibArgon2
{
    private const string Library = "libargon2.so.1";
    private const int Argon2id = 2;
    private const int Version13 = 0x13;

    public static byte[] HashRaw(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData, int iterations, int memoryKiB, int lanes, int tagLength)
    {
        var tag = new byte[tagLength];
        fixed (byte* output = tag, pwd = password, s = salt, k = secret, ad = associatedData)
        {
            var context = new Context
            {
                Out = output,
                OutLength = (uint)tagLength,
                Password = pwd,
                PasswordLength = (uint)password.Length,
                Salt = s,
                SaltLength = (uint)salt.Length,
                Secret = k,
                SecretLength = (uint)secret.Length,
                AssociatedData = ad,
                AssociatedDataLength = (uint)associatedData.Length,
                TimeCost = (uint)iterations,
                MemoryCost = (uint)memoryKiB,
                Lanes = (uint)lanes,
                Threads = (uint)lanes,
                Version = Version13,
            };
            var rc = argon2_ctx(&context, Argon2id);
            if (rc != 0)
            {
                throw new InvalidOperationException($"argon2_ctx failed: {rc}");
            }
        }

        return tag;
    }

    public static bool VerifyEncoded(string encoded, ReadOnlySpan<byte> password)
    {
        var encodedBytes = Encoding.ASCII.GetBytes(encoded + "\0");
        fixed (byte* e = encodedBytes, p = password)
        {
            return argon2id_verify(e, p, (nuint)password.Length) == 0;
        }
    }

    [LibraryImport(Library)]
    private static partial int argon2_ctx(Context* context, int type);

    [LibraryImport(Library)]
    private static partial int argon2id_verify(byte* encoded, byte* password, nuint passwordLength);

    [StructLayout(LayoutKind.Sequential)]
    private struct Context
    {
        public byte* Out;
        public uint OutLength;
        public byte* Password;
        public uint PasswordLength;
        public byte* Salt;
        public uint SaltLength;
        public byte* Secret;
        public uint SecretLength;
        public byte* AssociatedData;
        public uint AssociatedDataLength;
        public uint TimeCost;
        public uint MemoryCost;
        public uint Lanes;
        public uint Threads;
        public uint Version;
        public nint Allocate;
        public nint Free;
        public uint Flags;
    }
}
