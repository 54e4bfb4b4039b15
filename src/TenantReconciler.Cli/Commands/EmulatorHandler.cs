using TenantReconciler.Emulator;

namespace TenantReconciler.Cli.Commands;

/// <summary>
/// <c>emulator</c>: the local ARM emulator on its own, for <c>az rest</c>, scripts or another tool. The first line of
/// stdout is its base URL; it runs until SIGINT or SIGTERM.
/// </summary>
public sealed class EmulatorHandler(IOContext io)
{
    public async Task<int> RunAsync(EmulatorArguments arguments, CancellationToken cancellationToken)
    {
        var options = new EmulatorOptions
        {
            Port = arguments.Port,
            StatePath = arguments.StatePath is null ? null : Path.GetFullPath(arguments.StatePath),
            PageSize = arguments.PageSize,
            OverwriteSemantics = arguments.OverwriteSemantics,
            PutStatus = arguments.PutStatus,
        };

        await using var emulator = await ArmEmulator.StartAsync(options, cancellationToken);

        // The certificate is on disk before the URL is printed, so a script may use both as soon as it reads the line.
        if (arguments.CertOut is not null)
        {
            await File.WriteAllTextAsync(arguments.CertOut, emulator.CertificatePem, cancellationToken);
        }

        io.Output.WriteLine(emulator.BaseUri.ToString().TrimEnd('/'));
        io.Output.Flush();
        if (arguments.CertOut is not null)
        {
            io.Error.WriteLine($"Certificate written to {arguments.CertOut}; trust it with --ca-cert {arguments.CertOut}.");
        }

        io.Error.WriteLine($"Emulator running (state: {options.StatePath ?? "in memory"}). Press Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return ExitCodes.Success;
    }
}
