namespace TenantReconciler.Planning;

/// <summary>
/// What differs between the plan a reviewer approved and a fresh plan made now: only the delta, so a stale plan can be
/// re-approved by looking at what changed rather than at the whole plan again.
/// </summary>
public sealed record PlanDelta(
    IReadOnlyList<(RegistrationRef Registration, PlannedChange Change)> OnlyInApproved,
    IReadOnlyList<(RegistrationRef Registration, PlannedChange Change)> OnlyInFresh)
{
    public bool IsEmpty => OnlyInApproved.Count == 0 && OnlyInFresh.Count == 0;

    public static PlanDelta Compute(Plan approved, Plan fresh)
    {
        var approvedChanges = Pending(approved).ToList();
        var freshChanges = Pending(fresh).ToList();
        var approvedKeys = approvedChanges.Select(Key).ToHashSet(StringComparer.Ordinal);
        var freshKeys = freshChanges.Select(Key).ToHashSet(StringComparer.Ordinal);
        return new PlanDelta(
            approvedChanges.Where(c => !freshKeys.Contains(Key(c))).ToArray(),
            freshChanges.Where(c => !approvedKeys.Contains(Key(c))).ToArray());
    }

    public void WriteTo(TextWriter writer)
    {
        foreach (var (registration, change) in OnlyInApproved)
        {
            writer.WriteLine($"  approved, no longer planned: {registration.Name}: {Describe(change)}");
        }

        foreach (var (registration, change) in OnlyInFresh)
        {
            writer.WriteLine($"  newly planned, not approved: {registration.Name}: {Describe(change)}");
        }
    }

    public static string Describe(PlannedChange change) => change.Action switch
    {
        ChangeAction.Add => $"+ customerSubscription {change.CustomerSubscriptionId:D} -> tenant {change.TenantId:D}",
        ChangeAction.Overwrite when change.IsMove && change.PreviousTenantId is null =>
            $"~ tenant {change.TenantId:D} moves: customerSubscription {change.MovedFromSubscriptionId:D} -> {change.CustomerSubscriptionId:D}",
        ChangeAction.Overwrite =>
            $"~ customerSubscription {change.CustomerSubscriptionId:D}: tenant {change.PreviousTenantId:D} -> {change.TenantId:D}" +
            (change.IsMove ? $" (moved from {change.MovedFromSubscriptionId:D})" : string.Empty),
        ChangeAction.Remove => $"- customerSubscription {change.CustomerSubscriptionId:D} (tenant {change.PreviousTenantId:D})",
        _ => $"  customerSubscription {change.CustomerSubscriptionId:D}",
    };

    private static IEnumerable<(RegistrationRef, PlannedChange)> Pending(Plan plan) =>
        plan.Registrations.SelectMany(r => r.PendingChanges.Select(c => (r.Registration, c)));

    private static string Key((RegistrationRef Registration, PlannedChange Change) item) =>
        $"{item.Registration.Id.ToString().ToUpperInvariant()}|{item.Change.Action}|{item.Change.CustomerSubscriptionId}|{item.Change.TenantId}|{item.Change.PreviousTenantId}|{item.Change.MovedFromSubscriptionId}";
}
