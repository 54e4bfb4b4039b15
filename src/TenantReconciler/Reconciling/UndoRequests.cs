using TenantReconciler.Desired;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;

namespace TenantReconciler.Reconciling;

/// <summary>
/// The reconcile request of an undo: the registrations an apply wrote to, and (once they are listed) the desired state
/// that restores every mapping its successful writes changed (<see cref="UndoPlanner"/>). Made for <c>undo</c> from
/// the journal's last apply, and re-derived for <c>apply</c> of a saved undo plan from the entries that plan names, so
/// the plan that runs is the plan that was reviewed. An apply is undone only against the endpoint it wrote to.
/// </summary>
public static class UndoRequests
{
    /// <summary>The request that undoes the last apply in <paramref name="contents"/>, whose writes went to <paramref name="endpoint"/>.</summary>
    /// <param name="template">Gives the cloud, the api-version, the protected tenants and the thresholds.</param>
    /// <param name="journal">The journal's description, for the messages.</param>
    /// <param name="endpoint">Where this run writes, as the journal records it (an ARM endpoint, or <c>emulator</c>).</param>
    /// <param name="sameEndpoint">How the caller says to target an endpoint the journal recorded (its option).</param>
    /// <exception cref="ReconcilerException">Nothing to undo, or that apply wrote elsewhere.</exception>
    public static ReconcileRequest ForLastApply(DesiredState template, JournalContents contents, string journal, string endpoint, Func<string, string> sameEndpoint)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var last = contents.LastApplyWrites();
        if (last.Count == 0)
        {
            throw NothingToUndo(journal);
        }

        CheckEndpoint(contents.LastApplyEndpoint(), endpoint, journal, sameEndpoint);
        return Request(template, UndoWrites.From(last));
    }

    /// <summary>The journal has a successful write to undo; else <see cref="ReconcilerException"/> (before anything is listed).</summary>
    public static Guid LastApplyId(JournalContents contents, string journal)
    {
        ArgumentNullException.ThrowIfNull(contents);
        return contents.LastApplyWrites() is [var first, ..] ? first.ApplyId : throw NothingToUndo(journal);
    }

    /// <summary>Re-derives the request of a saved undo plan from the journal entries it names (after checking that it is the journal the plan was made from).</summary>
    /// <exception cref="ReconcilerException">The journal no longer holds that apply's writes, or they went to another endpoint.</exception>
    public static ReconcileRequest ForSavedPlan(
        SavedPlan saved, DesiredState template, JournalContents contents, string journal, string endpoint, Func<string, string> sameEndpoint)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(contents);
        var applyId = saved.Source.UndoOf!.Value;
        var writes = contents.Entries
            .Where(e => e.ApplyId == applyId && e.Type == JournalEntry.RequestFinished && e.Result == "done")
            .ToArray();
        if (writes.Length == 0)
        {
            throw new ReconcilerException($"the journal {journal} no longer holds the writes of apply {applyId:D}, which this undo plan restores. Run undo again.");
        }

        CheckEndpoint(writes[^1].Endpoint, endpoint, journal, sameEndpoint);
        return Request(template, UndoWrites.From(writes));
    }

    /// <summary>An apply is undone only against the endpoint it wrote to (never real ARM after an emulator apply).</summary>
    private static void CheckEndpoint(string? applied, string now, string journal, Func<string, string> sameEndpoint)
    {
        if (applied is null)
        {
            throw new ReconcilerException($"the journal {journal} does not say which endpoint that apply wrote to (it predates this version), so it cannot be undone safely. Edit tenants.yaml instead.");
        }

        if (!string.Equals(applied, now, StringComparison.OrdinalIgnoreCase))
        {
            throw new ReconcilerException($"that apply wrote to {applied}, but this undo targets {now}. Undo it against the same endpoint ({sameEndpoint(applied)}).");
        }
    }

    private static ReconcilerException NothingToUndo(string journal) => new($"the journal {journal} has no successful write to undo.");

    private static ReconcileRequest Request(DesiredState template, IReadOnlyList<UndoWrite> writes) =>
        new(UndoPlanner.Registrations(writes), live => UndoPlanner.DesiredFor(template, writes, live));
}
