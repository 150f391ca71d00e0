using System.Net;

namespace ApiKit.RateLimiting;

/// <summary>A parsed list of addresses and CIDR networks.</summary>
internal sealed class NetworkList
{
    private readonly IPNetwork[] _networks;

    private NetworkList(IPNetwork[] networks) => _networks = networks;

    public static NetworkList Empty { get; } = new([]);

    public bool IsEmpty => _networks.Length == 0;

    public static bool TryParseEntry(string value, out IPNetwork network)
    {
        if (IPNetwork.TryParse(value, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(value, out var address))
        {
            address = Normalize(address);
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    /// <summary>Parses every entry; the options validator has already rejected invalid ones.</summary>
    public static NetworkList Parse(IEnumerable<string> values)
    {
        var networks = new List<IPNetwork>();
        foreach (var value in values)
        {
            if (TryParseEntry(value.Trim(), out var network))
            {
                networks.Add(network);
            }
        }

        return networks.Count == 0 ? Empty : new NetworkList([.. networks]);
    }

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public bool Contains(IPAddress address)
    {
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
