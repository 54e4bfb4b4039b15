using System.CommandLine;
using TenantReconciler.Applying;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;
using TenantReconciler.Desired;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

/// <param name="Force"><c>--force</c>: replace <paramref name="Out"/> even when it is a symbolic link (the link itself, never its target).</param>
public sealed record UndoArguments(IReadOnlyList<string> Files, JournalArguments Journal, string Out, string Output, ConnectionArguments Connection, bool Force = false);

/// <summary>
/// <c>undo</c>: a saved plan (never a write) that restores the mappings changed by the last apply in the journal. It is
/// applied with <c>apply PLANFILE</c>, which re-derives it from the same journal entries, through the same guards and
/// the same checks as any plan. An apply made against another endpoint (the embedded emulator, say) is never undone
/// against this one.
/// </summary>
public sealed class UndoCommand(IOContext io, ArmSessionFactory sessions, CredentialFactory credentials, TimeProvider time)
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
        var command = new Command("undo", "Make a plan (not a write) that restores the mappings changed by the last apply in the journal. Apply it with 'apply PLANFILE'.")
        {
            file, outFile, output, force,
        };
        journal.AddTo(command);
        connection.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
            cli.RunAsync<UndoCommand>(parseResult, h => h.RunAsync(
                new UndoArguments(
                    parseResult.GetRequiredValue(file),
                    journal.Parse(parseResult),
                    parseResult.GetRequiredValue(outFile),
                    parseResult.GetRequiredValue(output),
                    connection.Parse(parseResult),
                    parseResult.GetValue(force)),
                cancellationToken),
                cancellationToken));
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
        var contents = await ReadAsync(journal, io.Error, cancellationToken);
        var last = contents.LastApplyWrites();
        if (last.Count == 0)
        {
            throw new ReconcilerException($"the journal {journal.Describe()} has no successful write to undo.");
        }

        await using var session = await sessions.OpenAsync(template, arguments.Connection, cancellationToken);
        CheckEndpoint(contents.LastApplyEndpoint(), session, journal);
        var applyId = last[0].ApplyId;
        var outcome = await new Reconciler(session.Client).ReconcileAsync(Request(template, UndoWrites.From(last)), new ReconcilePolicy { Scope = WriteScope.None }, cancellationToken);
        if (outcome.Plan is not { } plan)
        {
            if (outcome.Error is { } error and not Live.ArmRequestException)
            {
                throw error;
            }

            return ApplyOutcomeReport.Write(io, outcome, cancellationToken.IsCancellationRequested);
        }

        PlanOutput.Render(io, PlanRenderers.Get(arguments.Output), plan, outcome.Violations);
        PlanOutput.GuardWarnings(io.Error, outcome.Violations);
        var source = SavedPlanSource.Record(template, arguments.Files, Directory.GetCurrentDirectory()) with { UndoOf = applyId, Journal = journal.Describe() };
        var saved = SavedPlan.Create(plan, source, session.Target, outcome.Live, ToolInfo.Version, Guid.NewGuid(), time.GetUtcNow());
        await journal.IssuePlanAsync(saved.PlanId, saved.ContentHash(), time, cancellationToken);
        saved.Save(arguments.Out, arguments.Force);
        io.Error.WriteLine($"Saved the undo plan for apply {applyId:D} to {arguments.Out}. Review it, then: {NextStep.Command(arguments.Connection, "apply", arguments.Out, "--journal", journal.Describe())}");
        return ExitCodes.Success;
    }

    /// <summary>Re-derives the request of a saved undo plan from the journal entries it names.</summary>
    /// <exception cref="ReconcilerException">Another journal, another endpoint, or the journal no longer holds that apply's writes.</exception>
    public static async Task<ReconcileRequest> RequestAsync(
        SavedPlan saved, DesiredState template, JournalStore journal, ArmSession session, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(journal);
        if (!string.Equals(saved.Source.Journal, journal.Describe(), StringComparison.Ordinal))
        {
            throw new ReconcilerException($"the undo plan was made from the journal {saved.Source.Journal}, not {journal.Describe()}: pass --journal for that journal.");
        }

        var applyId = saved.Source.UndoOf!.Value;
        var contents = await ReadAsync(journal, error, cancellationToken);
        var writes = contents.Entries
            .Where(e => e.ApplyId == applyId && e.Type == JournalEntry.RequestFinished && e.Result == "done")
            .ToArray();
        if (writes.Length == 0)
        {
            throw new ReconcilerException($"the journal {journal.Describe()} no longer holds the writes of apply {applyId:D}, which this undo plan restores. Run undo again.");
        }

        CheckEndpoint(writes[^1].Endpoint, session, journal);
        return Request(template, UndoWrites.From(writes));
    }

    private static async Task<JournalContents> ReadAsync(JournalStore journal, TextWriter error, CancellationToken cancellationToken)
    {
        var contents = await journal.ReadAsync(cancellationToken);
        if (contents.SkippedLines > 0)
        {
            error.WriteLine($"Warning: the journal {journal.Describe()} has {contents.SkippedLines} line(s) that could not be read (a killed run or a corrupt write); they were skipped.");
        }

        return contents;
    }

    /// <summary>An apply is undone only against the endpoint it wrote to (never real ARM after an --emulator apply).</summary>
    private static void CheckEndpoint(string? applied, ArmSession session, JournalStore journal)
    {
        var now = JournalRecorder.EndpointOf(session);
        if (applied is null)
        {
            throw new ReconcilerException($"the journal {journal.Describe()} does not say which endpoint that apply wrote to (it predates this version), so it cannot be undone safely. Edit tenants.yaml instead.");
        }

        if (!string.Equals(applied, now, StringComparison.OrdinalIgnoreCase))
        {
            throw new ReconcilerException($"that apply wrote to {applied}, but this undo targets {now}. Undo it against the same endpoint ({(applied == JournalOpenOptions.EmulatorEndpoint ? "--emulator" : "--arm-endpoint " + applied)}).");
        }
    }

    private static ReconcileRequest Request(DesiredState template, IReadOnlyList<UndoWrite> writes) =>
        new(UndoPlanner.Registrations(writes), live => UndoPlanner.DesiredFor(template, writes, live));
}
