using System.Net;
using Microsoft.AspNetCore.Http;

namespace ApiKit.RateLimiting;

/// <summary>
/// Finds the client address. The connection's peer is the client unless it is a trusted proxy; then the forwarded
/// header is read from right to left (the rightmost entry was appended by the nearest proxy), trusted hops are skipped
/// and the first untrusted address is the client. A client can forge anything left of what its first proxy appended,
/// which this never reaches. A malformed entry stops the walk at the last trusted hop, so garbage in the header can
/// only pin the request to a proxy's address, never to an address the client chose.
/// </summary>
internal sealed class ClientIpResolver
{
    private readonly NetworkList _trusted;
    private readonly string _header;
    private readonly int _maxHops;

    public ClientIpResolver(ClientIpOptions options)
    {
        _trusted = NetworkList.Parse(options.TrustedProxies);
        _header = options.ForwardedForHeader;
        _maxHops = options.MaxForwardedHops;
    }

    public IPAddress? Resolve(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress;
        if (peer is null)
        {
            return null;
        }

        var current = NetworkList.Normalize(peer);
        if (_trusted.IsEmpty || !_trusted.Contains(current))
        {
            return current;
        }

        var values = context.Request.Headers[_header];
        var hops = 0;
        for (var v = values.Count - 1; v >= 0; v--)
        {
            var header = values[v].AsSpan();
            while (header.Length > 0)
            {
                var comma = header.LastIndexOf(',');
                var entry = (comma < 0 ? header : header[(comma + 1)..]).Trim();
                header = comma < 0 ? [] : header[..comma];
                if (entry.IsEmpty)
                {
                    continue;
                }

                if (++hops > _maxHops || !TryParseHop(entry, out var hop))
                {
                    return current;
                }

                current = hop;
                if (!_trusted.Contains(current))
                {
                    return current;
                }
            }
        }

        return current;
    }

    private static bool TryParseHop(ReadOnlySpan<char> entry, out IPAddress address)
    {
        if (IPAddress.TryParse(entry, out var parsed))
        {
            address = NetworkList.Normalize(parsed);
            return true;
        }

        // "[2001:db8::1]:443" and "203.0.113.7:443"
        if (entry.Length > 2 && entry[0] == '[')
        {
            var close = entry.IndexOf(']');
            if (close > 1 && IPAddress.TryParse(entry[1..close], out parsed))
            {
                address = NetworkList.Normalize(parsed);
                return true;
            }
        }
        else
        {
            var colon = entry.IndexOf(':');
            if (colon > 0 && colon == entry.LastIndexOf(':') && IPAddress.TryParse(entry[..colon], out parsed)
                && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                address = parsed;
                return true;
            }
        }

        address = IPAddress.None;
        return false;
    }
}
