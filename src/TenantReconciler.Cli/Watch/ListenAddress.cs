using System.Globalization;
using System.Net;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// Where the HTTP endpoints listen: <c>HOST:PORT</c> with an IP address (<c>127.0.0.1:8080</c>, <c>[::1]:8080</c>,
/// <c>0.0.0.0:8080</c>) or <c>localhost:PORT</c>. Port 0 takes any free port (the bound address is logged).
/// </summary>
public sealed record ListenAddress(IPAddress? Address, int Port)
{
    public const string Default = "127.0.0.1:8080";

    /// <summary>Null <see cref="Address"/>: <c>localhost</c> (both loopback addresses).</summary>
    public bool IsLocalhost => Address is null;

    public bool IsLoopback => Address is null || IPAddress.IsLoopback(Address);

    public static bool TryParse(string? text, out ListenAddress? address, out string? error)
    {
        address = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "--listen needs HOST:PORT, e.g. 127.0.0.1:8080.";
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"--listen '{OutsideText.Sanitize(text)}' is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080).";
            return false;
        }

        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            error = $"--listen '{text}': '{portText}' is not a port (0-65535).";
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = new ListenAddress(null, port);
            return true;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            error = $"--listen '{text}': put an IPv6 address in brackets, e.g. [::1]:8080.";
            return false;
        }

        if (!IPAddress.TryParse(host, out var ip))
        {
            error = $"--listen '{text}': '{host}' is not an IP address or 'localhost'.";
            return false;
        }

        // ::ffff:127.0.0.1 is 127.0.0.1 as IPv6 writes it: a socket binds the IPv4 address, not the mapped one.
        address = new ListenAddress(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip, port);
        return true;
    }

    public override string ToString() =>
        Address is null ? $"localhost:{Port}"
        : Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";
}
