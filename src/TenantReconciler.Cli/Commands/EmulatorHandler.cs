using TenantReconciler.Emulator;

namespace TenantReconciler.Cli.Commands;

/// <summary>
/// <c>emulator</c>: the local ARM emulator on its own, for <c>az rest</c>, scripts or another tool. The first line of
/// stdout is its base URL; it runs until SIGINT or SIGTERM.
/// </summary>
public sealed class EmulatorHandler(IOContext io) : ICommandHandler<EmulatorArguments>
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
            Throttling = Throttling(arguments),
            Faults = Faults(arguments),
        };

        await using var emulator = await Composition.EmulatorStartup.StartAsync(options, cancellationToken);

        // The certificate is on disk before the URL is printed, so a script may use both as soon as it reads the line.
        if (arguments.CertOut is not null)
        {
            Persistence.AtomicFile.WriteAllText(arguments.CertOut, emulator.CertificatePem, overwrite: true);
        }

        io.Output.WriteLine(emulator.BaseUri.ToString().TrimEnd('/'));
        io.Output.Flush();
        if (arguments.CertOut is not null)
        {
            io.Error.WriteLine($"Certificate written to {arguments.CertOut}; trust it with --ca-cert {arguments.CertOut}.");
        }

        if (options.Throttling is { } throttling)
        {
            io.Error.WriteLine($"Throttling per subscription: reads {Describe(throttling.Reads)}; writes {Describe(throttling.Writes)}; deletes {Describe(throttling.Deletes)}.");
        }

        if (emulator.FaultSeed is { } faultSeed)
        {
            io.Error.WriteLine($"Injecting faults from {arguments.FaultsPath ?? "--latency-ms"} (seed {faultSeed}).");
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

    /// <summary>Deletes share the writes' bucket settings (not their tokens) unless given on their own.</summary>
    private static ThrottlingOptions? Throttling(EmulatorArguments arguments) =>
        arguments is { ThrottleReads: null, ThrottleWrites: null, ThrottleDeletes: null }
            ? null
            : new ThrottlingOptions
            {
                Reads = arguments.ThrottleReads,
                Writes = arguments.ThrottleWrites,
                Deletes = arguments.ThrottleDeletes ?? arguments.ThrottleWrites,
            };

    /// <summary>The profile file, then <c>--latency-ms</c> on PUT and DELETE, then <c>--seed</c>; null when neither file nor latency is given.</summary>
    private static FaultProfile? Faults(EmulatorArguments arguments)
    {
        FaultProfile? profile = null;
        if (arguments.FaultsPath is { } path)
        {
            try
            {
                profile = FaultProfile.Load(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new ReconcilerException($"--faults: {e.Message}", e);
            }
        }

        if (arguments.WriteLatencyMs is { } latency)
        {
            profile = (profile ?? new FaultProfile())
                .WithLatency(FaultOperation.Put, latency)
                .WithLatency(FaultOperation.Delete, latency);
        }

        return profile is not null && arguments.Seed is { } seed ? profile with { Seed = seed } : profile;
    }

    private static string Describe(TokenBucketLimit? limit) => limit?.ToString() ?? "unlimited";
}
