using TenantReconciler.Desired;
using TenantReconciler.Stamps;

namespace TenantReconciler.Planning;

/// <summary>
/// The <c>billed-removal</c> guard, judged with the prune guards (<see cref="PruneGuards.Evaluate"/>): on a registration
/// with a <c>stamp:</c>, a change that leaves a tenant unmapped while that tenant has usage in the window (more than zero)
/// or unknown usage (fail-closed: a stamp not read, a reseller's tenant) is refused unless <c>--allow-billed-removals</c>,
/// or <c>--confirm-billed-removals N</c> with the exact number of such changes in the plan. Nothing in tenants.yaml
/// loosens it (<c>billedToOperator</c> does not: removing a mapping is a change of who pays, which is the review's).
/// A registration without a stamp is not judged by it.
/// </summary>
public static class BilledRemovals
{
    /// <summary>The changes of <paramref name="plan"/> that this guard counts on <paramref name="registration"/> (with its stamp).</summary>
    public static IEnumerable<PlannedChange> Of(RegistrationPlan plan, DesiredRegistration? registration) =>
        registration?.Stamp is null
            ? []
            : plan.PendingChanges.Where(c => c.BillingFallbackTenantId is not null && (c.Usage is null || c.Usage.IsBilled));

    internal static void Evaluate(Plan plan, IReadOnlyDictionary<RegistrationRef, DesiredRegistration> registrations, GuardOverrides overrides, List<GuardViolation> violations)
    {
        var billed = plan.Registrations
            .Select(r => (Plan: r, Changes: Of(r, registrations.GetValueOrDefault(r.Registration)).ToArray()))
            .Where(r => r.Changes.Length > 0)
            .ToArray();
        var total = billed.Sum(r => r.Changes.Length);
        if (total == 0 || overrides.AllowBilledRemovals || overrides.ConfirmBilledRemovals == total)
        {
            return;
        }

        foreach (var (registrationPlan, changes) in billed)
        {
            var registration = registrationPlan.Registration;
            var tenants = string.Join("; ", changes.Take(5).Select(Describe));
            var more = changes.Length > 5 ? $"; and {changes.Length - 5} more" : string.Empty;
            violations.Add(new GuardViolation(
                PruneGuards.BilledRemoval,
                registration,
                changes.Length,
                $"registration {registration.Name}: {changes.Length} change(s) leave a tenant with usage unmapped ({tenants}{more}); after them that usage is billed to the registration subscription {registration.SubscriptionId:D}.",
                OptionText.Of($"pass {UserOption.AllowBilledRemovals}, or {UserOption.ConfirmBilledRemovals} {total} (the exact number of such changes in this plan)").Spell(overrides.OptionNames)) { Limit = 0 });
        }
    }

    private static string Describe(PlannedChange change)
    {
        var tenant = change.BillingFallbackTenantId!.Value.ToString("D");
        return change.Usage switch
        {
            null => $"tenant {tenant}: usage unknown: the stamp's usage was not read",
            { Kind: UsageKind.Unknown } usage => $"tenant {tenant}: usage unknown: {usage.Reason}",
            { } usage => $"tenant {tenant} used {StampReport.Units(usage.Quantity)} units",
        };
    }
}
