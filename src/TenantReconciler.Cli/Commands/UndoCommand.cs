using System.CommandLine;
using TenantReconciler.Applying;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

/// <param name="Force"><c>--force</c>: replace <paramref name="Out"/> even when it is a symbolic link (the link itself, never its target).</param>
public sealed record UndoArguments(IReadOnlyList<string> Files, JournalArguments Journal, string Out, string Output, ConnectionArguments Connection, bool Force = false)
{
    /// <summary>How the stamps of tenants.yaml are read (<c>--stamp-auth</c>, <c>--stamp-ca-cert</c>, <c>--usage-days</c>).</summary>
    public StampArguments Stamps { get; init; } = StampArguments.Default;
}

/// <summary>
/// <c>undo</c>: a saved plan (never a write) that restores the mappings changed by the last apply in the journal. It is
/// applied with <c>apply PLANFILE</c>, which re-derives it from the same journal entries, through the same guards and
/// the same checks as any plan. An apply made against another endpoint (the embedded emulator, say) is never undone
/// against this one. An undo that leaves a tenant unmapped shows its usage and is judged by billed-removal, as any plan.
/// </summary>
public sealed class UndoCommand(IOContext io, ArmSessionFactory sessions, CredentialFactory credentials, TimeProvider time, CommandVerbosity verbosity, StampSessionFactory stamps) : ICommandHandler<UndoArguments>
{
    public static Command Create(CliContext cli)
    {
        var file = CommonOptions.File();
        var journal = new JournalOptions();
        var outFile = new Option<string>("--out")
        {
            Description = "Where to save the undo plan.",
            DefaultValueFactory = _ => "undo.plan.json",
        };
        var output = CommonOptions.Format();
        var force = new Option<bool>("--force") { Description = "Replace the --out file even when it is a symbolic link (the link itself, never the file it points to)." };
        var connection = new ConnectionOptions();
        var stampOptions = new StampOptions();
        var command = new Command("undo", "Make a plan (not a write) that restores the mappings changed by the last apply in the journal. Apply it with 'apply PLANFILE'.")
        {
            file, outFile, output, force,
        };
        journal.AddTo(command);
        connection.AddTo(command);
        stampOptions.AddTo(command);
        cli.SetAction<UndoCommand, UndoArguments>(command, parseResult =>
            new UndoArguments(
                parseResult.GetRequiredValue(file),
                journal.Parse(parseResult),
                parseResult.GetRequiredValue(outFile),
                parseResult.GetRequiredValue(output),
                connection.Parse(parseResult),
                parseResult.GetValue(force)) { Stamps = stampOptions.Parse(parseResult) });
        return command;
    }

    public async Task<int> RunAsync(UndoArguments arguments, CancellationToken cancellationToken)
    {
        // Before anything is read or asked: an undo plan that could not be saved is not worth making.
        AtomicFile.CheckWritable(arguments.Out, overwrite: true, arguments.Force);

        // tenants.yaml gives the cloud, the api-version, the protected tenants and the thresholds.
        var template = DesiredStateLoader.LoadAll(arguments.Files);
        var auth = arguments.Connection.EffectiveAuth;
        var journal = JournalFactory.Create(arguments.Journal, credentials, auth);
        var contents = await JournalFactory.ReadAsync(journal, io.Error, cancellationToken);
        var applyId = UndoRequests.LastApplyId(contents, journal.Describe());

        await using var session = await sessions.OpenAsync(template, arguments.Connection, cancellationToken);
        var request = UndoRequests.ForLastApply(template, contents, journal.Describe(), JournalFactory.EndpointOf(session), JournalFactory.EndpointOption);
        StampSessionFactory.Check(template, session, arguments.Stamps);
        var usage = StampSessionFactory.AnyStamp(template) ? stamps.UsageSource(session, arguments.Stamps, ArmPipelineSettings.Default) : null;
        var outcome = await new Reconciler(session.Client, usage).ReconcileAsync(request, new ReconcilePolicy { Scope = WriteScope.None, Guards = OptionNames.NoGuardOverrides }, cancellationToken);
        if (outcome.Plan is not { } plan)
        {
            if (outcome.Error is { } error and not Live.ArmRequestException)
            {
                throw error;
            }

            return ApplyOutcomeReport.Write(io, outcome, cancellationToken.IsCancellationRequested, verbosity: verbosity.Level);
        }

        var source = SavedPlanSource.Record(template, arguments.Files, Directory.GetCurrentDirectory()) with { UndoOf = applyId, Journal = journal.Describe() };
        var saved = SavedPlan.Create(plan, source, session.Target, outcome.Live, ToolInfo.Version, Guid.NewGuid(), time.GetUtcNow(), outcome.Violations);
        await journal.IssuePlanAsync(saved.PlanId, saved.ContentHash(), time, cancellationToken);
        saved.Save(arguments.Out, arguments.Force);
        PlanOutput.Render(io, PlanRenderers.Get(arguments.Output), plan, outcome.Violations, saved.Header());
        PlanOutput.GuardWarnings(io.Error, outcome.Violations);
        PlanOutput.StampWarnings(io.Error, outcome.Usage);
        io.Error.WriteLine($"Saved the undo plan for apply {applyId:D} to {arguments.Out}. Review it, then: {NextStep.Command(arguments.Connection, "apply", arguments.Out, "--journal", journal.Describe())}");
        return ExitCodes.Success;
    }
}
