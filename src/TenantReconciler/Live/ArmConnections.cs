using System.Net;
using System.Security.Cryptography.X509Certificates;
using Azure.ResourceManager;

namespace TenantReconciler.Live;

/// <summary>Builds <see cref="ArmConnection"/>s for the Azure clouds, and the checks the composition root needs.</summary>
public static class ArmConnections
{
    /// <summary>
    /// The connection for <paramref name="cloud"/>: its ARM endpoint (or <paramref name="endpointOverride"/>, for example
    /// the emulator) and the token scope of its ARM audience.
    /// </summary>
    public static ArmConnection ForCloud(AzureCloud cloud, string apiVersion, Uri? endpointOverride, X509Certificate2? trusted)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiVersion);
        if (endpointOverride is not null && !endpointOverride.IsAbsoluteUri)
        {
            throw new ArgumentException($"'{endpointOverride}' is not an absolute URI.", nameof(endpointOverride));
        }

        var environment = cloud.ToArmEnvironment();
        return new ArmConnection(endpointOverride ?? environment.Endpoint, apiVersion, ScopeFor(cloud), trusted);
    }

    /// <summary>
    /// The token scope for the cloud's ARM audience, e.g. <c>https://management.azure.com/.default</c>.
    /// Not <see cref="ArmEnvironment.DefaultScope"/>: that appends <c>/.default</c> to the audience as is, and the public
    /// cloud's audience ends in '/', which gives <c>https://management.azure.com//.default</c>.
    /// </summary>
    public static string ScopeFor(AzureCloud cloud) => ScopeForAudience(cloud.ToArmEnvironment().Audience);

    /// <summary><c>{audience without trailing slashes}/.default</c>.</summary>
    public static string ScopeForAudience(string audience)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        return audience.TrimEnd('/') + "/.default";
    }

    /// <summary>
    /// True when <paramref name="endpoint"/> is absolute and its host is <c>localhost</c>, an address in 127.0.0.0/8,
    /// <c>::1</c> (or an IPv4-mapped loopback). Anything else, including names that merely contain "localhost", is false.
    /// </summary>
    public static bool IsLoopback(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri)
        {
            return false;
        }

        if (endpoint.HostNameType == UriHostNameType.Dns)
        {
            return string.Equals(endpoint.Host, "localhost", StringComparison.OrdinalIgnoreCase);
        }

        if (endpoint.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6)
            || !IPAddress.TryParse(endpoint.DnsSafeHost, out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPAddress.IsLoopback(address);
    }
}
