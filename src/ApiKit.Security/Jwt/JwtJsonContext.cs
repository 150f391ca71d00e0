using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApiKit.Security.Jwt;

/// <summary>Source-generated metadata, so the package reads JSON without reflection.</summary>
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class JwtJsonContext : JsonSerializerContext;
