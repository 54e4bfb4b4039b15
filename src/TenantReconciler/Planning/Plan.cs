namespace TenantReconciler.Planning;

public enum ChangeAction
{
    Add,
    Overwrite,
    Remove,
    Unchanged,
}

/// <summary>
/// One row of a plan, keyed on a customer subscription of one registration.
/// <list type="bullet">
/// <item><b>Add</b>: PUT <see cref="CustomerSubscriptionName"/> → <see cref="TenantId"/>.</item>
/// <item><b>Overwrite in place</b>: the subscription is live with <see cref="PreviousTenantId"/>; PUT the new tenant.</item>
/// <item><b>Overwrite as a move</b>: <see cref="TenantId"/> is live on <see cref="MovedFromSubscriptionName"/>, which the
/// desired state does not keep; PUT the new subscription, then DELETE the old one.</item>
/// <item><b>Remove</b>: DELETE <see cref="CustomerSubscriptionName"/> (live casing); <see cref="PreviousTenantId"/> is the tenant that loses it.</item>
/// </list>
/// </summary>
public sealed record PlannedChange
{
    public required ChangeAction Action { get; init; }

    /// <summary>The customer subscription this change is about (the PUT target, or the removed one).</summary>
    public required Guid CustomerSubscriptionId { get; init; }

    /// <summary>How the subscription goes into the URL: the live casing if it is live, else lower-case "D" format.</summary>
    public required string CustomerSubscriptionName { get; init; }

    /// <summary>The desired tenant (null for a removal).</summary>
    public Guid? TenantId { get; init; }

    /// <summary>The tenant that is live on <see cref="CustomerSubscriptionId"/> today (null for an add or a move target).</summary>
    public Guid? PreviousTenantId { get; init; }

    /// <summary>For a move: the subscription the tenant leaves. It is deleted after the PUT.</summary>
    public Guid? MovedFromSubscriptionId { get; init; }

    /// <summary>For a move: the old subscription in live casing, for the DELETE.</summary>
    public string? MovedFromSubscriptionName { get; init; }

    /// <summary>The display label from tenants.yaml, if any.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// Set when this change leaves a tenant with no mapping in the registration: that tenant's usage will be billed to
    /// the registration subscription. Every removal, and every overwrite that drops a mapping, carries it.
    /// </summary>
    public Guid? BillingFallbackTenantId { get; init; }

    /// <summary>
    /// With <see cref="BillingFallbackTenantId"/> on a registration with a <c>stamp:</c>: that tenant's usage in the window,
    /// which this change bills to the registration subscription. Null without a stamp.
    /// </summary>
    public ChangeUsage? Usage { get; init; }

    public bool IsMove => MovedFromSubscriptionId is not null;
}

public enum OperationKind
{
    Put,
    Delete,
}

/// <summary>One ARM request that a change needs. A move needs two: its PUT, then its DELETE.</summary>
public sealed record PlannedOperation(OperationKind Kind, string CustomerSubscriptionName, Guid? TenantId, PlannedChange Change);

/// <summary>The plan for one registration. <see cref="Changes"/> is sorted by customer subscription and includes unchanged rows.</summary>
public sealed record RegistrationPlan(RegistrationRef Registration, IReadOnlyList<PlannedChange> Changes)
{
    public PlanSummary Summary => PlanSummary.Of(Changes);

    public IEnumerable<PlannedChange> PendingChanges => Changes.Where(c => c.Action != ChangeAction.Unchanged);

    /// <summary>The requests in execution order: every PUT (sorted) before any DELETE (sorted).</summary>
    public IReadOnlyList<PlannedOperation> Operations()
    {
        var puts = new List<PlannedOperation>();
        var deletes = new List<PlannedOperation>();
        foreach (var change in PendingChanges)
        {
            switch (change.Action)
            {
                case ChangeAction.Add:
                case ChangeAction.Overwrite:
                    puts.Add(new PlannedOperation(OperationKind.Put, change.CustomerSubscriptionName, change.TenantId, change));
                    if (change.MovedFromSubscriptionName is { } old)
                    {
                        deletes.Add(new PlannedOperation(OperationKind.Delete, old, null, change));
                    }

                    break;
                case ChangeAction.Remove:
                    deletes.Add(new PlannedOperation(OperationKind.Delete, change.CustomerSubscriptionName, null, change));
                    break;
            }
        }

        return [.. puts, .. deletes];
    }
}

/// <summary>Counts of a plan. The JSON field names add/overwrite/remove/unchanged are a contract.</summary>
public sealed record PlanSummary(int Add, int Overwrite, int Remove, int Unchanged)
{
    public bool HasChanges => Add + Overwrite + Remove > 0;

    public static PlanSummary Of(IEnumerable<PlannedChange> changes)
    {
        int add = 0, overwrite = 0, remove = 0, unchanged = 0;
        foreach (var change in changes)
        {
            switch (change.Action)
            {
                case ChangeAction.Add: add++; break;
                case ChangeAction.Overwrite: overwrite++; break;
                case ChangeAction.Remove: remove++; break;
                default: unchanged++; break;
            }
        }

        return new PlanSummary(add, overwrite, remove, unchanged);
    }

    public static PlanSummary operator +(PlanSummary a, PlanSummary b) =>
        new(a.Add + b.Add, a.Overwrite + b.Overwrite, a.Remove + b.Remove, a.Unchanged + b.Unchanged);
}

/// <summary>A whole plan: one entry per registration, sorted by <see cref="RegistrationRef.Compare"/>.</summary>
public sealed record Plan(IReadOnlyList<RegistrationPlan> Registrations)
{
    public PlanSummary Summary => Registrations.Aggregate(new PlanSummary(0, 0, 0, 0), (s, r) => s + r.Summary);

    public bool HasChanges => Summary.HasChanges;
}
