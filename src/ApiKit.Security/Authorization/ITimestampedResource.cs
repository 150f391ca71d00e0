namespace ApiKit.Security.Authorization;

/// <summary>A resource with a creation time, for time-based rules such as <see cref="PermissionAuthorizationOptions.EditWindow"/>.</summary>
public interface ITimestampedResource
{
    /// <summary>Gets when the resource was created.</summary>
    DateTimeOffset CreatedAt { get; }
}
