namespace ApiKit.Security.Authorization;

/// <summary>
/// The permission names of the design documents' matrix: <c>{resource}:{action}</c> for the resources
/// <c>user</c>, <c>room</c>, <c>message</c> and <c>setting</c> and the actions create, read, update and delete.
/// </summary>
public static class Permissions
{
    /// <summary>Create users.</summary>
    public const string UserCreate = "user:create";

    /// <summary>Read users.</summary>
    public const string UserRead = "user:read";

    /// <summary>Update users.</summary>
    public const string UserUpdate = "user:update";

    /// <summary>Delete users.</summary>
    public const string UserDelete = "user:delete";

    /// <summary>Create rooms.</summary>
    public const string RoomCreate = "room:create";

    /// <summary>Read rooms.</summary>
    public const string RoomRead = "room:read";

    /// <summary>Update rooms.</summary>
    public const string RoomUpdate = "room:update";

    /// <summary>Delete rooms.</summary>
    public const string RoomDelete = "room:delete";

    /// <summary>Create messages.</summary>
    public const string MessageCreate = "message:create";

    /// <summary>Read messages.</summary>
    public const string MessageRead = "message:read";

    /// <summary>Update messages.</summary>
    public const string MessageUpdate = "message:update";

    /// <summary>Delete messages.</summary>
    public const string MessageDelete = "message:delete";

    /// <summary>Create settings.</summary>
    public const string SettingCreate = "setting:create";

    /// <summary>Read settings.</summary>
    public const string SettingRead = "setting:read";

    /// <summary>Update settings.</summary>
    public const string SettingUpdate = "setting:update";

    /// <summary>Delete settings.</summary>
    public const string SettingDelete = "setting:delete";
}
