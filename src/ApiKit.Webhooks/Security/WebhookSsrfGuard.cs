using System.Net;
using System.Net.Sockets;

namespace ApiKit.Webhooks;

/// <summary>
/// Refuses connections to addresses an attacker-chosen URL must not reach. It runs in
/// <see cref="SocketsHttpHandler.ConnectCallback"/> on the addresses DNS returned for this very
/// connection, so a name that resolves to a public address at validation and a private one later
/// (DNS rebinding) is still refused.
/// </summary>
internal sealed class WebhookSsrfGuard
{
    private static readonly IPNetwork[] BlockedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),         // "this" network, unspecified
        IPNetwork.Parse("10.0.0.0/8"),        // private
        IPNetwork.Parse("100.64.0.0/10"),     // CGNAT
        IPNetwork.Parse("127.0.0.0/8"),       // loopback
        IPNetwork.Parse("169.254.0.0/16"),    // link-local, includes 169.254.169.254 metadata
        IPNetwork.Parse("172.16.0.0/12"),     // private
        IPNetwork.Parse("192.0.0.0/24"),      // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"),      // documentation
        IPNetwork.Parse("192.168.0.0/16"),    // private
        IPNetwork.Parse("198.18.0.0/15"),     // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),   // documentation
        IPNetwork.Parse("203.0.113.0/24"),    // documentation
        IPNetwork.Parse("224.0.0.0/4"),       // multicast
        IPNetwork.Parse("240.0.0.0/4"),       // reserved, includes broadcast
    ];

    private static readonly IPNetwork[] BlockedV6 =
    [
        IPNetwork.Parse("::/128"),            // unspecified
        IPNetwork.Parse("::1/128"),           // loopback
        IPNetwork.Parse("64:ff9b::/96"),      // NAT64 can reach private IPv4
        IPNetwork.Parse("100::/64"),          // discard
        IPNetwork.Parse("2001:db8::/32"),     // documentation
        IPNetwork.Parse("fc00::/7"),          // unique local, includes fd00:ec2::254 metadata
        IPNetwork.Parse("fe80::/10"),         // link-local
        IPNetwork.Parse("fec0::/10"),         // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"),          // multicast
    ];

    private readonly bool _enabled;
    private readonly IPNetwork[] _allowed;

    public WebhookSsrfGuard(WebhookSsrfOptions options)
    {
        _enabled = options.Enabled;
        _allowed = [.. options.AllowedNetworks.Select(IPNetwork.Parse)];
    }

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _allowed)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        if (!_enabled)
        {
            return true;
        }

        var blocked = address.AddressFamily == AddressFamily.InterNetwork ? BlockedV4 : BlockedV6;
        foreach (var network in blocked)
        {
            if (network.Contains(address))
            {
                return false;
            }
        }

        // IPv4-compatible (::a.b.c.d) and 6to4 (2002::/16) addresses embed an IPv4 address that is checked too.
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            if (bytes[..12].IndexOfAnyExcept((byte)0) < 0)
            {
                return IsAllowed(new IPAddress(bytes[12..]));
            }

            if (bytes[0] == 0x20 && bytes[1] == 0x02)
            {
                return IsAllowed(new IPAddress(bytes[2..6]));
            }
        }

        return true;
    }

    /// <summary>
    /// The registration-time check: why a URL whose host is an address literal or <c>localhost</c> may not be a target,
    /// or <see langword="null"/>. Host names are not resolved here; <see cref="ConnectAsync"/> checks what they resolve to
    /// on every connection, so this only gives an early, clear answer for what the URL itself gives away.
    /// </summary>
    public string? RefusalOf(Uri url)
    {
        // Uri.Host keeps the brackets of an IPv6 literal, which IPAddress.TryParse would refuse; DnsSafeHost drops them.
        var host = url.HostNameType == UriHostNameType.IPv6 ? url.DnsSafeHost : url.Host;
        IPAddress? address;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6761: localhost names are loopback whatever DNS says.
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address))
        {
            return null;
        }

        return IsAllowed(address)
            ? null
            : $"'{url.Host}' is a loopback, private, link-local or otherwise internal address: webhooks may only target public addresses (SSRF protection).";
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var permitted = addresses.Where(IsAllowed).ToArray();
        if (permitted.Length == 0)
        {
            throw new WebhookAddressBlockedException($"Webhook delivery to '{host}' refused: it resolves only to addresses the SSRF guard blocks.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>Thrown when the SSRF guard refuses every address of a webhook URL.</summary>
public sealed class WebhookAddressBlockedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public WebhookAddressBlockedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public WebhookAddressBlockedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookAddressBlockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
