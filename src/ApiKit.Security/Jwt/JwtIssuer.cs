using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ApiKit.Security.Jwt;

/// <summary>Writes the header and claims with <see cref="Utf8JsonWriter"/> and signs with the ring's signing key.</summary>
internal sealed class JwtIssuer : IJwtIssuer
{
    private static readonly HashSet<string> RegisteredClaims = new(StringComparer.Ordinal)
    {
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", "roles", "permissions",
    };

    // The default encoder escapes '+' and non-ASCII for HTML safety, so "at+jwt" became "at\u002Bjwt": valid JSON, but
    // a token is never embedded in HTML and byte-comparing verifiers and humans reading headers expect the plain text.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JwtOptions _options;
    private readonly JwtKeyRing _keys;
    private readonly TimeProvider _timeProvider;

    public JwtIssuer(JwtOptions options, JwtKeyRing keys, TimeProvider timeProvider)
    {
        _options = options;
        _keys = keys;
        _timeProvider = timeProvider;
    }

    public string Issue(JwtTokenDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var key = _keys.SigningKey;
        var now = _timeProvider.GetUtcNow();

        var header = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(header, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("alg"u8, key.Algorithm.ToString());
            writer.WriteString("typ"u8, _options.TokenType);
            writer.WriteString("kid"u8, key.KeyId);
            writer.WriteEndObject();
        }

        var payload = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(payload, WriterOptions))
        {
            WriteClaims(writer, descriptor, now);
        }

        var signingInput = Base64UrlStrict.Encode(header.WrittenSpan) + "." + Base64UrlStrict.Encode(payload.WrittenSpan);
        var signature = Sign(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlStrict.Encode(signature);
    }

    internal static byte[] Sign(JwtSigningKey key, byte[] input) => key.Algorithm switch
    {
        JwsAlgorithm.RS256 => key.Rsa!.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        JwsAlgorithm.PS256 => key.Rsa!.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        JwsAlgorithm.ES256 => key.ECDsa!.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        _ => HMACSHA256.HashData(key.Secret, input),
    };

    private void WriteClaims(Utf8JsonWriter writer, JwtTokenDescriptor descriptor, DateTimeOffset now)
    {
        writer.WriteStartObject();
        writer.WriteString("iss"u8, _options.Issuer);
        if (descriptor.Subject is not null)
        {
            writer.WriteString("sub"u8, descriptor.Subject);
        }

        var audiences = descriptor.Audiences.Count > 0 ? descriptor.Audiences : [.. _options.Audiences.Take(1)];
        if (audiences.Count == 1)
        {
            writer.WriteString("aud"u8, audiences[0]);
        }
        else if (audiences.Count > 1)
        {
            WriteArray(writer, "aud"u8, audiences);
        }

        writer.WriteNumber("exp"u8, now.Add(descriptor.Lifetime ?? _options.AccessTokenLifetime).ToUnixTimeSeconds());
        writer.WriteNumber("iat"u8, now.ToUnixTimeSeconds());
        writer.WriteNumber("nbf"u8, (descriptor.NotBefore ?? now).ToUnixTimeSeconds());
        writer.WriteString("jti"u8, descriptor.JwtId ?? Base64UrlStrict.Encode(RandomNumberGenerator.GetBytes(16)));
        if (descriptor.Scope is not null)
        {
            writer.WriteString("scope"u8, descriptor.Scope);
        }

        if (descriptor.Roles.Count > 0)
        {
            WriteArray(writer, "roles"u8, descriptor.Roles);
        }

        if (descriptor.Permissions.Count > 0)
        {
            WriteArray(writer, "permissions"u8, descriptor.Permissions);
        }

        foreach (var (name, value) in descriptor.Claims)
        {
            if (RegisteredClaims.Contains(name))
            {
                throw new ArgumentException($"'{name}' is a registered claim; set it through its own property.", nameof(descriptor));
            }

            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case DateTimeOffset t:
                writer.WriteNumberValue(t.ToUnixTimeSeconds());
                break;
            case JsonElement e:
                e.WriteTo(writer);
                break;
            case IEnumerable<string> strings:
                writer.WriteStartArray();
                foreach (var s in strings)
                {
                    writer.WriteStringValue(s);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"Claims of type {value.GetType()} are not supported; use a JsonElement.", nameof(value));
        }
    }
}
