using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>The text of a <see cref="PlanDelta"/> and of one change, for refusals on stderr and the watch status.</summary>
public static class PlanDeltaText
{
    public static void Write(PlanDelta delta, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (registration, change) in delta.OnlyInApproved)
        {
            writer.WriteLine($"  approved, no longer planned: {registration.Name}: {Describe(change)}");
        }

        foreach (var (registration, change) in delta.OnlyInFresh)
        {
            writer.WriteLine($"  newly planned, not approved: {registration.Name}: {Describe(change)}");
        }
    }

    public static string Describe(PlannedChange change) => DescribeAction(change) + (change.Usage is { } usage ? $" [{PlanText.UsageShort(usage)}]" : string.Empty);

    private static string DescribeAction(PlannedChange change) => change.Action switch
    {
        ChangeAction.Add => $"+ customerSubscription {change.CustomerSubscriptionId:D} -> tenant {change.TenantId:D}{Target(change)}",
        ChangeAction.Overwrite when change.IsMove && change.PreviousTenantId is null =>
            $"~ tenant {change.TenantId:D} moves: customerSubscription {change.MovedFromSubscriptionId:D} -> {change.CustomerSubscriptionId:D}{Target(change)}",
        ChangeAction.Overwrite =>
            $"~ customerSubscription {change.CustomerSubscriptionId:D}: tenant {change.PreviousTenantId:D} -> {change.TenantId:D}" +
            (change.IsMove ? $" (moved from {change.MovedFromSubscriptionId:D})" : string.Empty) + Target(change),
        ChangeAction.Remove => $"- customerSubscription {change.CustomerSubscriptionId:D} (tenant {change.PreviousTenantId:D}){Target(change)}",
        _ => $"  customerSubscription {change.CustomerSubscriptionId:D}{Target(change)}",
    };

    /// <summary>Names the request target when it is not simply the subscription: a hand-edited plan shows what it would hit.</summary>
    private static string Target(PlannedChange change) =>
        Guid.TryParse(change.CustomerSubscriptionName, out var named) && named == change.CustomerSubscriptionId
            ? string.Empty
            : $" [request target '{change.CustomerSubscriptionName}']";
}
