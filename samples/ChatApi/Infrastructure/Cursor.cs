using System.Buffers.Binary;
using System.Buffers.Text;

namespace ChatApi.Infrastructure;

/// <summary>
/// The keyset position of an item in a list: its sort key (<see cref="Ticks"/>, <see cref="Id"/>).
/// Clients see it only as an opaque base64url token; the version byte lets the format change later
/// without misreading old tokens.
/// </summary>
internal readonly record struct Cursor(long Ticks, Guid Id)
{
    private const byte FormatVersion = 1;
    private const int EncodedLength = 1 + sizeof(long) + 16;

    public string Encode()
    {
        Span<byte> buffer = stackalloc byte[EncodedLength];
        buffer[0] = FormatVersion;
        BinaryPrimitives.WriteInt64BigEndian(buffer[1..], Ticks);
        Id.TryWriteBytes(buffer[(1 + sizeof(long))..], bigEndian: true, out _);
        return Base64Url.EncodeToString(buffer);
    }

    public static bool TryDecode(string? token, out Cursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[48];
        if (Base64Url.DecodeFromChars(token, buffer, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length
            || written != EncodedLength
            || buffer[0] != FormatVersion)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(buffer[1..]);
        if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        cursor = new Cursor(ticks, new Guid(buffer.Slice(1 + sizeof(long), 16), bigEndian: true));
        return true;
    }
}
