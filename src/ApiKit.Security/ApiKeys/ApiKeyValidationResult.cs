namespace ApiKit.Security.ApiKeys;

/// <summary>The outcome of validating a presented API key.</summary>
/// <param name="Status">Whether the key was accepted, and why not.</param>
/// <param name="Record">The key's record when <paramref name="Status"/> is <see cref="ApiKeyValidationStatus.Valid"/>, <see cref="ApiKeyValidationStatus.Revoked"/> or <see cref="ApiKeyValidationStatus.Expired"/>.</param>
public sealed record ApiKeyValidationResult(ApiKeyValidationStatus Status, ApiKeyRecord? Record);
