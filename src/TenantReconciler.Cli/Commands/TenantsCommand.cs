using System.CommandLine;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Fleet;
using TenantReconciler.Live;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

public sealed record TenantsArguments(IReadOnlyList<string> Files, bool Live, string Output, ConnectionArguments Connection)
{
    /// <summary>With <see cref="Live"/>: registrations listed side by side.</summary>
    public int Parallelism { get; init; } = LiveReader.DefaultParallelism;

    /// <summary><c>--registration</c>: the registrations (columns) the view is limited to; null for all.</summary>
    public IReadOnlyList<string>? Registrations { get; init; }
}

/// <summary>
/// <c>tenants</c>: one row per tenant, one column per registration. From the desired-state files alone it sends no request; with
/// <c>--live</c> it lists every registration first and shows nothing unless every listing is complete (fail-closed).
/// Flags are information, never a failure: the exit code is 0 whenever the view is shown.
/// </summary>
public sealed class TenantsCommand(IOContext io, ArmSessionFactory sessions, CommandVerbosity verbosity)
{
    public static Command Create(CliContext cli)
    {
        var file = CommonOptions.File();
        var live = new Option<bool>("--live")
        {
            Description = "Also list every registration in ARM and show each tenant's live customer subscription with its status. Without it, no request is sent.",
        };
        var output = new Option<string>("--output", "-o") { Description = "Format on stdout.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong([.. FleetRenderers.Formats]);
        var parallelism = CommonOptions.Parallelism();
        parallelism.Description = "With --live: registrations listed side by side.";
        var registrations = new RegistrationOption();
        var connection = new ConnectionOptions(
            emulatorDescription: $"With --live: start the local emulator in-process with the state in STATEFILE (without one: the git-ignored copy {CommonOptions.EmulatorStateCopy}, seeded from {CommonOptions.DefaultEmulatorState}), and list it.");
        var command = new Command("tenants", "Show every tenant against every registration: its desired customer subscription and, with --live, the live one and a status.")
        {
            file, live, output, parallelism,
        };
        registrations.AddTo(command);
        connection.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
            cli.RunAsync<TenantsCommand>(parseResult, h => h.RunAsync(
                new TenantsArguments(
                    parseResult.GetRequiredValue(file),
                    parseResult.GetValue(live),
                    parseResult.GetRequiredValue(output),
                    connection.Parse(parseResult)) { Parallelism = parseResult.GetValue(parallelism), Registrations = registrations.Parse(parseResult) },
                cancellationToken),
                cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(TenantsArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var renderer = FleetRenderers.Get(arguments.Output, OptionNames.Instance);
        var desired = RegistrationOption.Limit(DesiredStateLoader.LoadAll(arguments.Files), arguments.Registrations);
        IReadOnlyList<LiveRegistration>? listings = null;
        if (arguments.Live)
        {
            await using var session = await sessions.OpenAsync(desired, arguments.Connection, ArmPipelineSettings.Default.ForParallelism(arguments.Parallelism), cancellationToken);
            try
            {
                listings = await LiveReader.ReadAsync(session.Client, desired.Registrations.Select(r => r.Registration).ToArray(), arguments.Parallelism, cancellationToken);
            }
            catch (ReconcilerException e)
            {
                CommandBoundary.WriteError(io.Error, e, verbosity.Level);
                io.Error.WriteLine("No table is shown: a listing that is not certainly complete would show tenants as missing that are not.");
                return ExitCodes.Error;
            }
        }

        renderer.Render(FleetViewBuilder.Build(desired, listings), io.Output);
        return ExitCodes.Success;
    }
}
