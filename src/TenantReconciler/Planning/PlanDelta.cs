namespace TenantReconciler.Planning;

/// <summary>
/// What differs between the plan a reviewer approved and a plan derived now: each row (unchanged rows included) that is
/// not in the other plan with every field equal, so a hand-edited field, an added or a dropped row all show.
/// </summary>
public sealed record PlanDelta(
    IReadOnlyList<(RegistrationRef Registration, PlannedChange Change)> OnlyInApproved,
    IReadOnlyList<(RegistrationRef Registration, PlannedChange Change)> OnlyInFresh)
{
    public bool IsEmpty => OnlyInApproved.Count == 0 && OnlyInFresh.Count == 0;

    /// <summary>The differing rows that are changes: what someone would act on, without the rows that change nothing.</summary>
    public PlanDelta WithoutUnchanged() => new(
        OnlyInApproved.Where(row => row.Change.Action != ChangeAction.Unchanged).ToArray(),
        OnlyInFresh.Where(row => row.Change.Action != ChangeAction.Unchanged).ToArray());

    public static PlanDelta Compute(Plan approved, Plan fresh)
    {
        ArgumentNullException.ThrowIfNull(approved);
        ArgumentNullException.ThrowIfNull(fresh);
        var approvedRows = Rows(approved).ToList();
        var freshRows = Rows(fresh).ToList();
        var approvedSet = approvedRows.Select(Compared).ToHashSet();
        var freshSet = freshRows.Select(Compared).ToHashSet();
        return new PlanDelta(
            approvedRows.Where(row => !freshSet.Contains(Compared(row))).ToArray(),
            freshRows.Where(row => !approvedSet.Contains(Compared(row))).ToArray());
    }

    // A row as it must match: every field, but of the usage its kind alone (a tenant that gained usage since the review
    // is a mismatch; a changed amount, or the next day's window, is not).
    private static (RegistrationRef, PlannedChange) Compared((RegistrationRef Registration, PlannedChange Change) row) =>
        row.Change.Usage is { } usage ? (row.Registration, row.Change with { Usage = usage.ZeroClass() }) : row;

    // PlannedChange is a record of values: equality compares every field, the request targets included.
    private static IEnumerable<(RegistrationRef, PlannedChange)> Rows(Plan plan) =>
        plan.Registrations.SelectMany(r => r.Changes.Select(c => (r.Registration, c)));
}
