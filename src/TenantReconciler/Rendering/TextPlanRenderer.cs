using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>
/// The human-readable plan, in the conventions of <c>terraform plan</c>: a legend, one block per registration with
/// pending changes, and a summary line. Unchanged rows are only counted. No colours; labels are sanitised.
/// Guard warnings are ignored here: the commands print them on stderr, so this output stays what scripts expect.
/// </summary>
public sealed class TextPlanRenderer : IPlanRenderer
{
    public string Format => "text";

    public void Render(Plan plan, TextWriter writer, IReadOnlyList<GuardViolation>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(writer);

        if (!plan.HasChanges)
        {
            writer.Write(PlanText.NoChanges + "\n");
            writer.Write(PlanText.Unchanged(plan) + "\n");
            return;
        }

        writer.Write("Actions are indicated with the following symbols:\n");
        writer.Write("  + add\n");
        writer.Write("  ~ overwrite\n");
        writer.Write("  - remove\n");
        writer.Write("\n");
        writer.Write("TenantReconciler will perform the following actions:\n");

        foreach (var registration in plan.Registrations)
        {
            if (!registration.Summary.HasChanges)
            {
                continue;
            }

            var reference = registration.Registration;
            writer.Write("\n");
            writer.Write($"# registration {reference.Name} (subscription {PlanText.Id(reference.SubscriptionId)}, resource group {reference.ResourceGroup})\n");
            foreach (var change in registration.PendingChanges)
            {
                WriteChange(writer, change);
                if (change.BillingFallbackTenantId is not null)
                {
                    writer.Write($"    ! {PlanText.BillingLine(change, reference)}\n");
                }
            }
        }

        writer.Write("\n");
        writer.Write($"Plan: {PlanText.Summary(plan.Summary)}\n");
    }

    private static void WriteChange(TextWriter writer, PlannedChange change)
    {
        var subscription = PlanText.Id(change.CustomerSubscriptionId);
        var tenant = PlanText.Id(change.TenantId);
        var label = string.IsNullOrEmpty(change.Label) ? string.Empty : $" ({OutsideText.Sanitize(change.Label)})";
        switch (change.Action)
        {
            case ChangeAction.Add:
                writer.Write($"  + customerSubscription {subscription}\n");
                writer.Write($"      tenant: {tenant}{label}\n");
                break;

            case ChangeAction.Overwrite when change.PreviousTenantId is null:
                writer.Write($"  ~ tenant {tenant}{label} moves: customerSubscription {PlanText.Id(change.MovedFromSubscriptionId)} -> {subscription}\n");
                break;

            case ChangeAction.Overwrite:
                writer.Write($"  ~ customerSubscription {subscription}\n");
                writer.Write($"      tenant: {PlanText.Id(change.PreviousTenantId)} -> {tenant}{label}\n");
                if (change.IsMove)
                {
                    writer.Write($"      moves from: customerSubscription {PlanText.Id(change.MovedFromSubscriptionId)} (deleted)\n");
                }

                break;

            case ChangeAction.Remove:
                writer.Write($"  - customerSubscription {subscription}\n");
                writer.Write($"      tenant: {PlanText.Id(change.PreviousTenantId)}{label}\n");
                break;
        }
    }
}
