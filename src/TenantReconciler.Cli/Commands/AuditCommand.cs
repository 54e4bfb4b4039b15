using System.CommandLine;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Rendering;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Commands;

public sealed record AuditArguments(
    IReadOnlyList<string> Files,
    string Output,
    bool DetailedExitCode,
    bool AllowPartial,
    ConnectionArguments Connection,
    StampArguments Stamps)
{
    public int Parallelism { get; init; } = LiveReader.DefaultParallelism;
}

/// <summary>
/// <c>audit</c>: who pays. Lists the live mappings of every registration with a <c>stamp:</c> and reads each stamp,
/// side by side, then reports the tenants whose usage is billed to the registration subscription while nobody meant
/// it, the mappings nobody uses, the desired tenants not registered yet, and what cannot be seen. Read-only. A listing
/// that is not certainly complete, or a stamp that reports to another registration, is an error; a stamp whose usage
/// cannot be read is one too, unless <c>--allow-partial</c>, which reports the rest and says what is missing.
/// </summary>
public sealed class AuditCommand(IOContext io, ArmSessionFactory sessions, StampSessionFactory stamps, CommandVerbosity verbosity) : ICommandHandler<AuditArguments>
{
    public static Command Create(CliContext cli)
    {
        var file = CommonOptions.File();
        var output = new Option<string>("--output", "-o") { Description = "Format on stdout.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong([.. AuditRenderers.Formats]);
        var detailed = new Option<bool>("--detailed-exitcode")
        {
            Description = "Exit 2 when a tenant's usage is billed to a registration subscription without a mapping (0: none, 1: an error).",
        };
        var allowPartial = new Option<bool>("--allow-partial")
        {
            Description = "Report the stamps that could be read when some could not (their usage is unknown; the report says which), instead of exiting 1.",
        };
        var parallelism = CommonOptions.Parallelism();
        parallelism.Description = "Registrations listed side by side.";
        var connection = new ConnectionOptions();
        var stampOptions = new StampOptions();
        var command = new Command("audit", "Find the tenants that use a stamp while nobody bills them: usage in the window with no mapping on the registration. Read-only.")
        {
            file, output, detailed, allowPartial, parallelism,
        };
        connection.AddTo(command);
        stampOptions.AddTo(command);
        cli.SetAction<AuditCommand, AuditArguments>(command, parseResult =>
            new AuditArguments(
                parseResult.GetRequiredValue(file),
                parseResult.GetRequiredValue(output),
                parseResult.GetValue(detailed),
                parseResult.GetValue(allowPartial),
                connection.Parse(parseResult),
                stampOptions.Parse(parseResult)) { Parallelism = parseResult.GetValue(parallelism) });
        return command;
    }

    public async Task<int> RunAsync(AuditArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var renderer = AuditRenderers.Get(arguments.Output);
        var desired = DesiredStateLoader.LoadAll(arguments.Files);
        if (!StampSessionFactory.AnyStamp(desired))
        {
            throw new ReconcilerException(
                $"{CommonOptions.Describe(arguments.Files)} names no stamp: add a 'stamp:' block (adminEndpoint, providerSubscriptionId) to a registration to audit who pays for its usage.");
        }

        var settings = ArmPipelineSettings.Default.ForParallelism(arguments.Parallelism);
        await using var session = await sessions.OpenAsync(desired, arguments.Connection, settings, cancellationToken);
        var stamped = desired.Registrations.Where(r => r.Stamp is not null).Select(r => r.Registration).ToArray();

        // The listings and the stamps side by side: the usage pages do not wait for the mappings.
        var stampsTask = stamps.ReadAsync(desired, session, arguments.Stamps, settings, cancellationToken);
        IReadOnlyList<LiveRegistration> live;
        try
        {
            live = await LiveReader.ReadAsync(session.Client, stamped, arguments.Parallelism, cancellationToken);
        }
        catch (ReconcilerException e)
        {
            await CommandBoundary.ObserveAbandonedAsync(stampsTask);
            CommandBoundary.WriteError(io.Error, e, verbosity.Level);
            io.Error.WriteLine("Nothing is reported: a listing that is not certainly complete would show mapped tenants as unbilled.");
            return ExitCodes.Error;
        }

        var reports = await stampsTask;
        var report = AuditBuilder.Build(desired, live, reports, stamps.WindowFor(arguments.Stamps));
        foreach (var mismatch in report.Mismatched)
        {
            io.Error.WriteLine($"Error: {OutsideText.Sanitize(mismatch.Stamp.Problem!)}");
        }

        if (report.Mismatched.Count > 0)
        {
            io.Error.WriteLine("Nothing is reported: a stamp's usage belongs to the registration it reports to; fix tenants.yaml first.");
            return ExitCodes.Error;
        }

        if (report.Unreadable.Count > 0 && !arguments.AllowPartial)
        {
            foreach (var unreadable in report.Unreadable)
            {
                io.Error.WriteLine($"Error: {unreadable.Registration.Name}: usage unknown: {OutsideText.Sanitize(unreadable.Stamp.Problem!)}");
            }

            io.Error.WriteLine("Nothing is reported: unknown usage is never 'no usage'. Pass --allow-partial to report the other stamps and say which could not be read.");
            return ExitCodes.Error;
        }

        // The text report shows the warnings in place; the other formats are for machines and comments: say them on stderr too.
        IEnumerable<string> warnings = renderer is AuditTextRenderer ? [] : report.Registrations.SelectMany(r => r.Stamp.Warnings);
        foreach (var warning in warnings)
        {
            io.Error.WriteLine($"Warning: {OutsideText.Sanitize(warning)}");
        }

        renderer.Render(report, io.Output);
        if (report.Unreadable.Count > 0)
        {
            io.Error.WriteLine($"Partial (--allow-partial): the usage of {string.Join(", ", report.Unreadable.Select(r => r.Registration.Name))} could not be read; those registrations are not audited.");
        }

        return arguments.DetailedExitCode && report.LeakCount > 0 ? ExitCodes.Changes : ExitCodes.Success;
    }
}
