namespace ApiKit.Security.Authorization;

/// <summary>A resource with an owner (a message's author, a room's creator), for ownership rules.</summary>
public interface IOwnedResource
{
    /// <summary>Gets the user id of the owner.</summary>
    string? OwnerId { get; }
}
