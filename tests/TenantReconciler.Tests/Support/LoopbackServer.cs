using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace TenantReconciler.Tests.Support;

/// <summary>A test's own small server (an identity provider, a faulty ARM, a webhook receiver): Kestrel on loopback.</summary>
public static class LoopbackServer
{
    /// <summary>An app on 127.0.0.1, on a port the OS picks, without logging; over HTTPS with <paramref name="certificate"/> when given.</summary>
    public static WebApplication Create(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        return builder.Build();
    }

    /// <summary>Starts <paramref name="app"/> and returns the address it listens on, ending with a slash.</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
    }
}
