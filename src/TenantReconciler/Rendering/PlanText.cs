using System.Globalization;
using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>Wording and escaping shared by the renderers.</summary>
internal static class PlanText
{
    public const string NoChanges = "No changes. The live registrations match the desired state.";

    public static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    public static string Id(Guid? id) => id is { } value ? Id(value) : string.Empty;

    public static string BillingNote(Guid tenantId, RegistrationRef registration) =>
        $"usage of tenant {Id(tenantId)} will be billed to the registration subscription {Id(registration.SubscriptionId)}";

    /// <summary>
    /// The billing line of a change that leaves a tenant unmapped: with the stamp's usage when it was read
    /// (<see cref="UsageNote"/>), else <see cref="BillingNote"/>.
    /// </summary>
    public static string BillingLine(PlannedChange change, RegistrationRef registration) =>
        change.Usage is { } usage && change.BillingFallbackTenantId is { } tenant ? UsageNote(tenant, usage, registration) : BillingNote(change.BillingFallbackTenantId!.Value, registration);

    /// <summary>"tenant … used 412.5 units on 3 subscriptions of this stamp between 2026-11-24 and 2026-12-01 (UTC); after this change …".</summary>
    public static string UsageNote(Guid tenantId, ChangeUsage usage, RegistrationRef registration)
    {
        var window = new Stamps.UsageWindow(usage.WindowStart, usage.WindowEnd, usage.Days);
        var payer = $"the registration subscription {Id(registration.SubscriptionId)}";
        return usage.Kind switch
        {
            Stamps.UsageKind.Used => $"tenant {Id(tenantId)} used {Stamps.StampReport.Units(usage.Quantity)} units on {usage.Subscriptions} {(usage.Subscriptions == 1 ? "subscription" : "subscriptions")} of this stamp {window.Between}; after this change that usage is billed to {payer}",
            Stamps.UsageKind.None => $"tenant {Id(tenantId)}: no usage {window.InTheLast}, {window.Between}; after this change its usage would be billed to {payer}",
            _ => $"tenant {Id(tenantId)}: usage unknown: {OutsideText.Sanitize(usage.Reason ?? "not read")}; after this change its usage is billed to {payer}",
        };
    }

    /// <summary>The usage in a few words, for tables and refusals: "412.5 units in 7 days", "no usage in 7 days", "usage unknown".</summary>
    public static string UsageShort(ChangeUsage usage) => usage.Kind switch
    {
        Stamps.UsageKind.Used => $"{Stamps.StampReport.Units(usage.Quantity)} units in {usage.Days} days",
        Stamps.UsageKind.None => $"no usage in {usage.Days} days",
        _ => "usage unknown",
    };

    public static string Summary(PlanSummary summary) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{summary.Add} to add, {summary.Overwrite} to overwrite, {summary.Remove} to remove, {summary.Unchanged} unchanged.");

    public static string Unchanged(Plan plan)
    {
        var unchanged = plan.Summary.Unchanged;
        var registrations = plan.Registrations.Count;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{unchanged} customer {(unchanged == 1 ? "subscription" : "subscriptions")} unchanged in {registrations} {(registrations == 1 ? "registration" : "registrations")}.");
    }

    public static string ActionWord(ChangeAction action) => action switch
    {
        ChangeAction.Add => "add",
        ChangeAction.Overwrite => "overwrite",
        ChangeAction.Remove => "remove",
        _ => "unchanged",
    };
}
