using TenantReconciler.Planning;

namespace TenantReconciler.Reconciling;

/// <summary>Which of a plan's changes a run may write.</summary>
public enum WriteScope
{
    /// <summary>Nothing: drift is reported only (<c>watch --mode observe</c>, or a replica that is not the leader).</summary>
    None,

    /// <summary>Adds and overwrites; removals are withheld (<c>watch --mode apply</c>).</summary>
    NoRemovals,

    /// <summary>Every change (<c>apply</c>, <c>watch --mode full</c>).</summary>
    Full,
}

/// <summary>
/// Narrows a plan to what a <see cref="WriteScope"/> permits. Pure. The guards never look at the narrowed plan: they judge
/// the full one, so a change the scope filters out (say the DELETE half of a protected tenant's move) still counts.
/// </summary>
public static class PlanScope
{
    /// <summary>
    /// The changes <paramref name="scope"/> permits (unchanged rows kept, so counts stay meaningful), and the pending
    /// changes it withholds. Under <see cref="WriteScope.NoRemovals"/> a move keeps its PUT but not the DELETE of the
    /// subscription the tenant leaves: ARM drops that mapping itself when it keeps one subscription per tenant; if not,
    /// a later plan shows it as a removal, again withheld.
    /// </summary>
    public static (Plan Permitted, IReadOnlyList<(RegistrationRef Registration, PlannedChange Change)> Withheld) Narrow(Plan plan, WriteScope scope)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (scope == WriteScope.Full)
        {
            return (plan, []);
        }

        var withheld = new List<(RegistrationRef, PlannedChange)>();
        var registrations = plan.Registrations.Select(registration =>
        {
            var kept = new List<PlannedChange>(registration.Changes.Count);
            foreach (var change in registration.Changes)
            {
                if (change.Action == ChangeAction.Unchanged)
                {
                    kept.Add(change);
                }
                else if (scope == WriteScope.None || change.Action == ChangeAction.Remove)
                {
                    withheld.Add((registration.Registration, change));
                }
                else
                {
                    kept.Add(change.IsMove ? WithoutDelete(change) : change);
                }
            }

            return registration with { Changes = kept };
        }).ToArray();
        return (new Plan(registrations), withheld);
    }

    private static PlannedChange WithoutDelete(PlannedChange move) => move with
    {
        Action = move.PreviousTenantId is null ? ChangeAction.Add : ChangeAction.Overwrite,
        MovedFromSubscriptionId = null,
        MovedFromSubscriptionName = null,
    };
}
