using System.Net;
using System.Net.Sockets;
using ApiKit.Webhooks;

namespace ChatApi.Webhooks;

/// <summary>
/// Refuses, at registration, webhook URLs whose host is an address (or <c>localhost</c>) the delivery's SSRF guard
/// would refuse at connect time anyway, so the caller gets a 400 now instead of attempts that fail as blocked.
/// Host names are not resolved here: the library's guard checks the resolved address on every connection, which
/// also defeats DNS rebinding; this is only the early, clear answer for what the URL itself gives away.
/// </summary>
internal static class WebhookTargetRules
{
    // The ranges of ApiKit.Webhooks' connect-time guard (its table is internal, so it is repeated here).
    private static readonly IPNetwork[] BlockedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork[] BlockedV6 =
    [
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("64:ff9b::/96"),
        IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>Returns why <paramref name="url"/> may not be a webhook target, or <see langword="null"/> when it may be registered.</summary>
    public static string? Refusal(Uri url, WebhookSsrfOptions ssrf)
    {
        var host = url.Host.TrimStart('[').TrimEnd(']');
        IPAddress? address;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address))
        {
            return null;
        }

        return IsAllowed(address, ssrf)
            ? null
            : $"'{url.Host}' is a loopback, private, link-local or otherwise internal address: webhooks may only target public addresses (SSRF protection).";
    }

    private static bool IsAllowed(IPAddress address, WebhookSsrfOptions ssrf)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in ssrf.AllowedNetworks)
        {
            if (IPNetwork.TryParse(network, out var allowed) && allowed.Contains(address))
            {
                return true;
            }
        }

        if (!ssrf.Enabled)
        {
            return true;
        }

        var blocked = address.AddressFamily == AddressFamily.InterNetwork ? BlockedV4 : BlockedV6;
        if (blocked.Any(network => network.Contains(address)))
        {
            return false;
        }

        // IPv4-compatible (::a.b.c.d) and 6to4 (2002::/16) addresses carry an IPv4 address that must pass too.
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
            {
                return IsAllowed(new IPAddress(bytes.AsSpan(12, 4)), ssrf);
            }

            if (bytes[0] == 0x20 && bytes[1] == 0x02)
            {
                return IsAllowed(new IPAddress(bytes.AsSpan(2, 4)), ssrf);
            }
        }

        return true;
    }
}
