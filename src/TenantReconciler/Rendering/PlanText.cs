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
