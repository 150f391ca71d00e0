using System.Buffers;
using System.Text.Json;

namespace ApiKit.Security.Jwt;

/// <summary>
/// Renders the ring's asymmetric verification keys as an RFC 7517 JWK Set with RFC 7518 members only
/// (<c>kty</c>, <c>kid</c>, <c>use</c>, <c>alg</c>, then <c>n</c>/<c>e</c> or <c>crv</c>/<c>x</c>/<c>y</c>). Private
/// parameters are never exported and HMAC secrets are never listed.
/// </summary>
internal static class JsonWebKeySet
{
    public static byte[] Write(IEnumerable<JwtSigningKey> keys)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys"u8);
            foreach (var key in keys)
            {
                if (key.IsSymmetric)
                {
                    continue;
                }

                writer.WriteStartObject();
                if (key.Rsa is { } rsa)
                {
                    var p = rsa.ExportParameters(includePrivateParameters: false);
                    writer.WriteString("kty"u8, "RSA"u8);
                    WriteCommon(writer, key);
                    writer.WriteString("n"u8, Base64UrlStrict.Encode(p.Modulus));
                    writer.WriteString("e"u8, Base64UrlStrict.Encode(p.Exponent));
                }
                else
                {
                    var p = key.ECDsa!.ExportParameters(includePrivateParameters: false);
                    writer.WriteString("kty"u8, "EC"u8);
                    WriteCommon(writer, key);
                    writer.WriteString("crv"u8, "P-256"u8);
                    writer.WriteString("x"u8, Base64UrlStrict.Encode(p.Q.X));
                    writer.WriteString("y"u8, Base64UrlStrict.Encode(p.Q.Y));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteCommon(Utf8JsonWriter writer, JwtSigningKey key)
    {
        writer.WriteString("kid"u8, key.KeyId);
        writer.WriteString("use"u8, "sig"u8);
        writer.WriteString("alg"u8, key.Algorithm.ToString());
    }
}
