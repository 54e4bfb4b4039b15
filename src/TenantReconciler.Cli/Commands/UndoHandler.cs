using TenantReconciler.Applying;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

/// <summary>
/// <c>undo</c>: a saved plan (never a write) that restores the mappings changed by the last apply in the journal.
/// It is applied with <c>apply PLANFILE</c>, through the same guards and the same staleness check as any plan.
/// </summary>
public sealed class UndoHandler(IOContext io, ArmSessionFactory sessions, TimeProvider time)
{
    public async Task<int> RunAsync(UndoArguments arguments, CancellationToken cancellationToken)
    {
        var journal = JournalReader.Read(arguments.Journal);
        var writes = journal.LastApplyWrites();
        if (writes.Count == 0)
        {
            throw new ReconcilerException($"the journal {arguments.Journal} has no successful write to undo.");
        }

        // tenants.yaml gives the cloud, the api-version, the protected tenants and the thresholds.
        var template = DesiredStateLoader.Load(arguments.File);
        var registrations = UndoPlanner.Registrations(writes);
        await using var session = await sessions.OpenAsync(template, arguments.Connection, cancellationToken);
        var live = await LiveReader.ReadAsync(session.Client, registrations, cancellationToken);

        var undo = UndoPlanner.DesiredFor(template, writes, live);
        var plan = Planner.Compute(undo, live);
        PlanRenderers.Get(arguments.Output).Render(plan, io.Output);
        PlanReview.WarnAboutGuards(io.Error, plan, undo);
        PlanReview.Save(plan, undo, live, arguments.File, session.Connection.Endpoint, time, arguments.Out);
        io.Error.WriteLine($"Saved the undo plan for apply {writes[0].ApplyId:D} to {arguments.Out}. Review it, then: tenant-reconciler apply {arguments.Out}");
        return ExitCodes.Success;
    }
}
