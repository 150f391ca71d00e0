using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ApiKit.RateLimiting;

/// <summary>A parsed <see cref="RateLimitAccessList"/>.</summary>
internal sealed class AccessListMatcher
{
    private readonly HashSet<string> _users;
    private readonly byte[][] _apiKeyDigests;
    private readonly NetworkList _networks;

    public AccessListMatcher(RateLimitAccessList list)
    {
        _users = new HashSet<string>(list.Users, StringComparer.Ordinal);
        _apiKeyDigests = [.. list.ApiKeys.Select(Digest)];
        _networks = NetworkList.Parse(list.ClientNetworks);
        IsEmpty = _users.Count == 0 && _apiKeyDigests.Length == 0 && _networks.IsEmpty;
    }

    public bool IsEmpty { get; }

    public bool NeedsAddress => !_networks.IsEmpty;

    public static byte[] Digest(string apiKey) => SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public bool Matches(string? user, byte[]? apiKeyDigest, IPAddress? address)
    {
        if (user is not null && _users.Contains(user))
        {
            return true;
        }

        if (apiKeyDigest is not null)
        {
            var found = false;

            // Every digest is compared, in constant time, so timing says nothing about which key matched or how far.
            foreach (var candidate in _apiKeyDigests)
            {
                found |= CryptographicOperations.FixedTimeEquals(candidate, apiKeyDigest);
            }

            if (found)
            {
                return true;
            }
        }

        return address is not null && _networks.Contains(address);
    }
}
