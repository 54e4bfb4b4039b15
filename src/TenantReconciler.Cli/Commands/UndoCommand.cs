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

public sealed record UndoArguments(string File, string Journal, string Out, string Output, ConnectionArguments Connection);

/// <summary>
/// <c>undo</c>: a saved plan (never a write) that restores the mappings changed by the last apply in the journal. It is
/// applied with <c>apply PLANFILE</c>, which re-derives it from the same journal entries, through the same guards and
/// the same checks as any plan.
/// </summary>
public sealed class UndoCommand(IOContext io, ArmSessionFactory sessions, TimeProvider time)
{
    public static Command Create(CliContext cli)
    {
        var file = CommonOptions.File();
        var journal = WriteOptions.Journal();
        var outFile = new Option<string>("--out")
        {
            Description = "Where to save the undo plan.",
            DefaultValueFactory = _ => "undo.plan.json",
        };
        var output = CommonOptions.Format();
        var connection = new ConnectionOptions();
        var command = new Command("undo", "Make a plan (not a write) that restores the mappings changed by the last apply in the journal. Apply it with 'apply PLANFILE'.")
        {
            file, journal, outFile, output,
        };
        connection.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
            cli.RunAsync<UndoCommand>(parseResult, h => h.RunAsync(
                new UndoArguments(
                    parseResult.GetRequiredValue(file),
                    parseResult.GetRequiredValue(journal),
                    parseResult.GetRequiredValue(outFile),
                    parseResult.GetRequiredValue(output),
                    connection.Parse(parseResult)),
                cancellationToken),
                cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(UndoArguments arguments, CancellationToken cancellationToken)
    {
        var contents = JournalReader.Read(arguments.Journal);
        var last = contents.LastApplyWrites();
        if (last.Count == 0)
        {
            throw new ReconcilerException($"the journal {arguments.Journal} has no successful write to undo.");
        }

        // tenants.yaml gives the cloud, the api-version, the protected tenants and the thresholds.
        var template = DesiredStateLoader.Load(arguments.File);
        var applyId = last[0].ApplyId;
        var request = Request(template, UndoWrites.From(last));
        await using var session = await sessions.OpenAsync(template, arguments.Connection, cancellationToken);
        var outcome = await new Reconciler(session.Client).ReconcileAsync(request, new ReconcilePolicy { Scope = WriteScope.None }, cancellationToken);
        if (outcome.Plan is not { } plan)
        {
            if (outcome.Error is { } error and not Live.ArmRequestException)
            {
                throw error;
            }

            return ApplyOutcomeReport.Write(io, outcome, cancellationToken.IsCancellationRequested);
        }

        PlanRenderers.Get(arguments.Output).Render(plan, io.Output, outcome.Violations);
        PlanOutput.GuardWarnings(io.Error, outcome.Violations);
        var source = new PlanSource([new SourceFile(arguments.File, template.Sha256!)], applyId, arguments.Journal);
        SavedPlan.Create(plan, source, session.Target, outcome.Live, ToolInfo.Version, Guid.NewGuid(), time.GetUtcNow()).Save(arguments.Out);
        io.Error.WriteLine($"Saved the undo plan for apply {applyId:D} to {arguments.Out}. Review it, then: tenant-reconciler apply {arguments.Out}");
        return ExitCodes.Success;
    }

    /// <summary>Re-derives the request of a saved undo plan from the journal entries it names.</summary>
    /// <exception cref="ReconcilerException">The journal no longer holds that apply's writes.</exception>
    public static ReconcileRequest Request(SavedPlan saved, DesiredState template)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var journal = saved.Source.Journal ?? throw new ReconcilerException("the undo plan does not say which journal it was made from. Run undo again.");
        var applyId = saved.Source.UndoOf!.Value;
        var writes = JournalReader.Read(journal).Entries
            .Where(e => e.ApplyId == applyId && e.Type == JournalEntry.RequestFinished && e.Result == "done")
            .ToArray();
        if (writes.Length == 0)
        {
            throw new ReconcilerException($"the journal {journal} no longer holds the writes of apply {applyId:D}, which this undo plan restores. Run undo again.");
        }

        return Request(template, UndoWrites.From(writes));
    }

    private static ReconcileRequest Request(DesiredState template, IReadOnlyList<UndoWrite> writes) =>
        new(UndoPlanner.Registrations(writes), live => UndoPlanner.DesiredFor(template, writes, live));
}
