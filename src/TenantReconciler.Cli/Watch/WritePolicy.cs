using TenantReconciler.Desired;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Watch;

/// <summary>Why a registration with drift got no write on a tick.</summary>
public enum WriteBlock
{
    None,
    ObserveMode,
    Suspended,
    NotLeader,
    Guard,
}

/// <summary>
/// What one registration's tick may write: <see cref="ToApply"/> (its pending changes are the writes; empty when
/// <see cref="Blocked"/>), the removals the mode <see cref="Withheld"/>, and the guards that tripped.
/// </summary>
public sealed record WriteDecision(
    RegistrationPlan Plan,
    RegistrationPlan ToApply,
    IReadOnlyList<PlannedChange> Withheld,
    IReadOnlyList<GuardViolation> Violations,
    WriteBlock Blocked)
{
    public bool HasWrites => ToApply.PendingChanges.Any();
}

/// <summary>
/// The pure decision of what a tick writes for one registration, from its plan, the mode and the service's state.
/// <list type="bullet">
/// <item><b>observe</b>, <b>suspended</b>, or <b>not the leader</b>: nothing;</item>
/// <item><b>apply</b>: adds and overwrites only. Removals are withheld, and a move keeps its PUT but not the DELETE of
/// the subscription the tenant leaves (ARM drops that mapping itself when it keeps one subscription per tenant; if
/// not, a later plan shows it as a removal, again withheld);</item>
/// <item><b>full</b>: everything;</item>
/// <item>in both writing modes the plan that would be written goes through <see cref="PruneGuards.Evaluate"/> with the
/// default overrides (no --allow-empty, no --confirm-removals): a tripped guard means no write for the registration.</item>
/// </list>
/// </summary>
public static class WritePolicy
{
    private static readonly GuardOverrides NoOverrides = new();

    public static WriteDecision Decide(RegistrationPlan plan, DesiredState desired, WatchMode mode, bool suspended, bool leader)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(desired);
        var empty = plan with { Changes = [] };
        if (!plan.PendingChanges.Any())
        {
            return new WriteDecision(plan, empty, [], [], WriteBlock.None);
        }

        var filtered = FilterForMode(plan, mode);
        var withheld = plan.PendingChanges.Where(c => c.Action == ChangeAction.Remove && mode != WatchMode.Full).ToArray();
        var blocked = mode == WatchMode.Observe ? WriteBlock.ObserveMode
            : suspended ? WriteBlock.Suspended
            : !leader ? WriteBlock.NotLeader
            : WriteBlock.None;
        if (blocked != WriteBlock.None)
        {
            return new WriteDecision(plan, empty, withheld, [], blocked);
        }

        var violations = PruneGuards.Evaluate(new Plan([filtered]), desired, NoOverrides);
        return violations.Count > 0
            ? new WriteDecision(plan, empty, withheld, violations, WriteBlock.Guard)
            : new WriteDecision(plan, filtered, withheld, [], WriteBlock.None);
    }

    /// <summary>The plan with only what <paramref name="mode"/> may write (unchanged rows kept, so counts stay meaningful).</summary>
    public static RegistrationPlan FilterForMode(RegistrationPlan plan, WatchMode mode)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return mode switch
        {
            WatchMode.Full => plan,
            WatchMode.Observe => plan with { Changes = plan.Changes.Where(c => c.Action == ChangeAction.Unchanged).ToArray() },
            _ => plan with
            {
                Changes = plan.Changes
                    .Where(c => c.Action != ChangeAction.Remove)
                    .Select(c => c.IsMove
                        ? c with
                        {
                            Action = c.PreviousTenantId is null ? ChangeAction.Add : ChangeAction.Overwrite,
                            MovedFromSubscriptionId = null,
                            MovedFromSubscriptionName = null,
                        }
                        : c)
                    .ToArray(),
            },
        };
    }
}
