using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TenantReconciler.Cli.Watch;

namespace TenantReconciler.Cli.Commands;

/// <summary>
/// <c>watch</c>: builds the watch host, starts it, and runs until SIGTERM, Ctrl+C or <paramref name="cancellationToken"/>;
/// then stops it gracefully (no new write, writes in flight finish) within the shutdown timeout. Exit 0 on a graceful
/// stop, 1 when the host could not start or the loop ended on its own.
/// </summary>
public sealed partial class WatchHandler(WatchHostFactory hosts)
{
    public async Task<int> RunAsync(WatchArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Registrations is { } names && TryLoad(arguments.Files) is { } desired)
        {
            // A --registration that the files do not have is a typo: exit 1 naming those there are, before listening.
            // (An invalid file is the service's to report: it starts, and says so on /status.)
            Options.RegistrationOption.Limit(desired, names);
        }

        await using var app = hosts(arguments);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<WatchHandler>();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            // Address in use (Kestrel's IOException), or not one of this host's (EADDRNOTAVAIL, EINVAL: a SocketException).
            throw new ReconcilerException($"cannot listen on {arguments.Listen}: {OutsideText.Sanitize(e.Message)}. Give an address of this host with --listen (127.0.0.1:8080, 0.0.0.0:8080).", e);
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            LogListening(logger, address);
        }

        if (!arguments.Listen.IsLoopback)
        {
            LogNotLoopback(logger, arguments.Listen.ToString());
        }

        await app.WaitForShutdownAsync(cancellationToken);
        var loop = app.Services.GetRequiredService<WatchService>().ExecuteTask;
        return loop is { IsFaulted: true } ? ExitCodes.Error : ExitCodes.Success;
    }

    private static Desired.DesiredState? TryLoad(IReadOnlyList<string> files)
    {
        try
        {
            return Desired.DesiredStateLoader.LoadAll(files);
        }
        catch (Desired.DesiredStateException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 20, EventName = "Listening", Level = LogLevel.Information, Message = "Listening on {Address} (/healthz, /readyz, /status, /metrics)")]
    private static partial void LogListening(ILogger logger, string address);

    [LoggerMessage(EventId = 21, EventName = "ListeningBeyondLoopback", Level = LogLevel.Warning,
        Message = "Listening on {Address}, beyond loopback: /status shows tenant and subscription ids to anyone who can reach it")]
    private static partial void LogNotLoopback(ILogger logger, string address);
}
