using System.CommandLine;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Fleet;
using TenantReconciler.Live;
using TenantReconciler.Rendering;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Commands;

public sealed record TenantsArguments(IReadOnlyList<string> Files, bool Live, string Output, ConnectionArguments Connection)
{
    /// <summary>With <see cref="Live"/> and a <c>stamp:</c> block: how the stamps are read for the usage column.</summary>
    public StampArguments Stamps { get; init; } = StampArguments.Default;

    /// <summary>With <see cref="Live"/>: registrations listed side by side.</summary>
    public int Parallelism { get; init; } = LiveReader.DefaultParallelism;

    /// <summary><c>--registration</c>: the registrations (columns) the view is limited to; null for all.</summary>
    public IReadOnlyList<string>? Registrations { get; init; }
}

/// <summary>
/// <c>tenants</c>: one row per tenant, one column per registration. From the desired-state files alone it sends no request; with
/// <c>--live</c> it lists every registration first and shows nothing unless every listing is complete (fail-closed).
/// Flags are information, never a failure: the exit code is 0 whenever the view is shown. With <c>--live</c> and a
/// <c>stamp:</c> block, each stamp is read side by side with the listings and every tenant gets its usage in the window
/// (unknown, never "none", when a stamp cannot be read).
/// </summary>
public sealed class TenantsCommand(IOContext io, ArmSessionFactory sessions, StampSessionFactory stamps, CommandVerbosity verbosity) : ICommandHandler<TenantsArguments>
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
        var stampOptions = new StampOptions();
        var command = new Command("tenants", "Show every tenant against every registration: its desired customer subscription and, with --live, the live one and a status (and its usage in the window, with a stamp: block).")
        {
            file, live, output, parallelism,
        };
        registrations.AddTo(command);
        connection.AddTo(command);
        stampOptions.AddTo(command);
        cli.SetAction<TenantsCommand, TenantsArguments>(command, parseResult =>
            new TenantsArguments(
                parseResult.GetRequiredValue(file),
                parseResult.GetValue(live),
                parseResult.GetRequiredValue(output),
                connection.Parse(parseResult))
            {
                Parallelism = parseResult.GetValue(parallelism),
                Registrations = registrations.Parse(parseResult),
                Stamps = stampOptions.Parse(parseResult),
            });
        return command;
    }

    public async Task<int> RunAsync(TenantsArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var renderer = FleetRenderers.Get(arguments.Output, OptionNames.Instance);
        var desired = RegistrationOption.Limit(DesiredStateLoader.LoadAll(arguments.Files), arguments.Registrations);
        IReadOnlyList<LiveRegistration>? listings = null;
        IReadOnlyList<StampReport>? reports = null;
        if (arguments.Live)
        {
            var settings = ArmPipelineSettings.Default.ForParallelism(arguments.Parallelism);
            await using var session = await sessions.OpenAsync(desired, arguments.Connection, settings, cancellationToken);
            StampSessionFactory.Check(desired, session, arguments.Stamps);

            // The stamps side by side with the listings: the usage pages do not wait for the mappings.
            var stampsTask = StampSessionFactory.AnyStamp(desired) ? stamps.ReadAsync(desired, session, arguments.Stamps, settings, cancellationToken) : null;
            try
            {
                listings = await LiveReader.ReadAsync(session.Client, desired.Registrations.Select(r => r.Registration).ToArray(), arguments.Parallelism, cancellationToken);
            }
            catch (ReconcilerException e)
            {
                await CommandBoundary.ObserveAbandonedAsync(stampsTask);
                CommandBoundary.WriteError(io.Error, e, verbosity.Level);
                io.Error.WriteLine("No table is shown: a listing that is not certainly complete would show tenants as missing that are not.");
                return ExitCodes.Error;
            }

            reports = stampsTask is null ? null : await stampsTask;
        }

        // The window the stamps were read in (one clock reading: not a second one that could fall after midnight UTC).
        var view = FleetViewBuilder.Build(desired, listings, reports, reports is [var first, ..] ? first.Window : null);

        // The text view shows each stamp's read in place; the other formats are for machines and comments: say it on stderr too.
        foreach (var read in renderer is FleetTextRenderer ? [] : view.Usage?.Stamps ?? [])
        {
            if (read.Status != StampReadStatus.Complete)
            {
                io.Error.WriteLine($"Warning: {view.Registrations[read.Column].Name}: usage unknown: {OutsideText.Sanitize(read.Problem ?? "not read")}");
            }
        }

        foreach (var warning in reports?.SelectMany(r => r.Warnings) ?? [])
        {
            io.Error.WriteLine($"Warning: {OutsideText.Sanitize(warning)}");
        }

        renderer.Render(view, io.Output);
        return ExitCodes.Success;
    }
}
