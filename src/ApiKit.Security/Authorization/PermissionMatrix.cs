using System.Collections.Frozen;

namespace ApiKit.Security.Authorization;

/// <summary>
/// Which role holds which permission, as data. Built from a grid shaped like the design documents' table
/// (resource → role → letters from <c>CRUD</c>, <c>-</c> for none) plus optional extra grants per role. Role names
/// compare case-insensitively; permissions compare ordinally.
/// </summary>
public sealed class PermissionMatrix
{
    private static readonly (char Letter, string Action)[] Actions = [('C', "create"), ('R', "read"), ('U', "update"), ('D', "delete")];

    private readonly FrozenDictionary<string, FrozenSet<string>> _grants;

    private PermissionMatrix(Dictionary<string, HashSet<string>> grants) =>
        _grants = grants.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the design documents' matrix (Users, Rooms, Messages, Settings × Admin, Moderator, User, Guest).</summary>
    public static PermissionMatrix Default { get; } = FromGrid(PermissionMatrixDefaults.Grid, null);

    /// <summary>Gets the roles the matrix knows.</summary>
    public IEnumerable<string> Roles => _grants.Keys;

    /// <summary>Builds a matrix from a grid and extra grants.</summary>
    /// <param name="grid">Resource (for example <c>message</c>) → role → letters from <c>CRUD</c> (or <c>-</c>).</param>
    /// <param name="extraGrants">Role → further permissions (for example <c>room:join</c>); may be <see langword="null"/>.</param>
    /// <returns>The matrix.</returns>
    public static PermissionMatrix FromGrid(IEnumerable<KeyValuePair<string, Dictionary<string, string>>> grid, IEnumerable<KeyValuePair<string, string[]>>? extraGrants)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var grants = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (resource, roles) in grid)
        {
            if (string.IsNullOrWhiteSpace(resource) || resource.Contains(':', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{resource}' is not a resource name.", nameof(grid));
            }

            foreach (var (role, letters) in roles)
            {
                var set = GrantsOf(grants, role);
                foreach (var letter in (letters ?? string.Empty).Trim().ToUpperInvariant())
                {
                    if (letter == '-')
                    {
                        continue;
                    }

                    var action = Array.Find(Actions, a => a.Letter == letter).Action
                        ?? throw new ArgumentException($"'{letters}' for {role} on {resource} is not made of C, R, U, D or '-'.", nameof(grid));
                    set.Add(resource.ToLowerInvariant() + ":" + action);
                }
            }
        }

        foreach (var (role, permissions) in extraGrants ?? [])
        {
            GrantsOf(grants, role).UnionWith(permissions ?? []);
        }

        return new PermissionMatrix(grants);
    }

    /// <summary>Whether <paramref name="role"/> holds <paramref name="permission"/>.</summary>
    /// <param name="role">The role.</param>
    /// <param name="permission">The permission.</param>
    /// <returns><see langword="true"/> when granted.</returns>
    public bool Grants(string role, string permission) =>
        role is not null && permission is not null && _grants.TryGetValue(role, out var set) && set.Contains(permission);

    /// <summary>Gets the permissions of <paramref name="role"/>.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The permissions, empty for an unknown role.</returns>
    public IReadOnlySet<string> GetPermissions(string role) =>
        role is not null && _grants.TryGetValue(role, out var set) ? set : FrozenSet<string>.Empty;

    private static HashSet<string> GrantsOf(Dictionary<string, HashSet<string>> grants, string role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        if (!grants.TryGetValue(role, out var set))
        {
            grants[role] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        return set;
    }
}
