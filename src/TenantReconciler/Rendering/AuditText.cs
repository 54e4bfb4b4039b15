using System.Globalization;
using TenantReconciler.Stamps;

namespace TenantReconciler.Rendering;

/// <summary>The sentences of the audit that the text and markdown renderers share. Outside text is sanitised.</summary>
internal static class AuditText
{
    /// <summary>What tenants.yaml's snippet writes where the customer subscription is not known yet: it fails validation (TR1010) until replaced.</summary>
    public const string Placeholder = "CUSTOMER-SUBSCRIPTION-ID";

    public static string Units(decimal quantity) => StampReport.Units(quantity);

    public static string Plural(int count, string one, string many) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {(count == 1 ? one : many)}";

    public static string Title(AuditReport report) =>
        $"Who pays: usage {report.Window.Between} on {Plural(report.Registrations.Count, "stamp", "stamps")}";

    public static string Summary(AuditReport report)
    {
        var unbilled = report.Registrations.Sum(r => r.Unbilled.Count);
        var pending = report.Registrations.Sum(r => r.DesiredNotRegistered.Count);
        var notVisible = report.Registrations.Sum(r => r.NotVisible.Count);
        var parts = new List<string>
        {
            unbilled == 0
                ? "no unbilled tenant"
                : $"{Plural(unbilled, "unbilled tenant", "unbilled tenants")} with {Units(report.Registrations.Sum(r => r.UnbilledUsage))} units billed to registration subscriptions",
        };
        if (pending > 0)
        {
            parts.Add($"{Plural(pending, "desired tenant", "desired tenants")} with usage not registered yet");
        }

        var unused = report.Registrations.Sum(r => r.UnusedMappings.Count);
        if (unused > 0)
        {
            parts.Add($"{Plural(unused, "mapping", "mappings")} nobody uses");
        }

        if (notVisible > 0)
        {
            parts.Add($"{Plural(notVisible, "subscription", "subscriptions")} under delegated providers not visible");
        }

        if (report.Unreadable.Count > 0)
        {
            parts.Add($"usage of {Plural(report.Unreadable.Count, "stamp", "stamps")} unknown ({string.Join(", ", report.Unreadable.Select(r => r.Registration.Name))})");
        }

        return string.Join("; ", parts) + ".";
    }

    public static string Stamp(RegistrationAudit audit) =>
        $"stamp {StampEndpoint.Base(audit.Stamp.Stamp.AdminEndpoint)}, provider subscription {PlanText.Id(audit.Stamp.Stamp.ProviderSubscriptionId)}";

    public static string Unbilled(RegistrationAudit audit, AuditTenant tenant) =>
        $"tenant {PlanText.Id(tenant.TenantId)} used {Units(tenant.Quantity)} units on {Plural(tenant.Subscriptions.Count(s => s.Quantity != 0), "subscription", "subscriptions")}, billed to the registration subscription {PlanText.Id(audit.Registration.SubscriptionId)}";

    public static string Pending(AuditTenant tenant) =>
        $"tenant {PlanText.Id(tenant.TenantId)}{LabelPart(tenant.Label)} used {Units(tenant.Quantity)} units; tenants.yaml maps it to {PlanText.Id(tenant.CustomerSubscriptionId)}, which the next apply registers";

    public static string Billed(AuditTenant tenant) =>
        $"tenant {PlanText.Id(tenant.TenantId)} used {Units(tenant.Quantity)} units (billedToOperator: paid by the operator on purpose)";

    public static string Unused(Live.LiveMapping mapping) =>
        $"tenant {PlanText.Id(mapping.TenantId)} (customer subscription {PlanText.Id(mapping.CustomerSubscriptionId)}) has no enabled subscription on the stamp: removing the mapping would change no bill";

    public static string NotVisible(StampSubscription subscription) =>
        $"subscription {PlanText.Id(subscription.SubscriptionId)} of tenant {PlanText.Id(subscription.TenantId)} is under the delegated provider {(subscription.DelegatedProviderSubscriptionId == Guid.Empty ? "(not named)" : PlanText.Id(subscription.DelegatedProviderSubscriptionId))}: its usage is not visible to the operator";

    public static string Unattributed(StampReport report) =>
        $"{Units(report.Unattributed.Values.Sum())} units of usage on {Plural(report.Unattributed.Count, "subscription", "subscriptions")} the stamp does not list ({string.Join(", ", report.Unattributed.Keys.Select(PlanText.Id).Order(StringComparer.Ordinal))}): no tenant can be named";

    /// <summary>One subscription's line: id, usage, state, offer, owner, name.</summary>
    public static string Subscription(AuditSubscription subscription)
    {
        var s = subscription.Subscription;
        var parts = new List<string> { PlanText.Id(s.SubscriptionId), $"{Units(subscription.Quantity)} units", s.State };
        if (s.Offer is { } offer)
        {
            parts.Add($"offer {offer}");
        }

        if (s.Owner is { } owner)
        {
            parts.Add($"owner {owner}");
        }

        if (s.DisplayName is { } name)
        {
            parts.Add($"\"{name}\"");
        }

        return string.Join("  ", parts);
    }

    /// <summary>The tenants.yaml lines that map the unbilled tenants of a registration, once their customer subscriptions are known.</summary>
    public static IEnumerable<string> Snippet(RegistrationAudit audit)
    {
        yield return $"# under registration {audit.Registration.Name}, in its tenants: list (replace {Placeholder} with each customer's subscription)";
        foreach (var tenant in audit.Unbilled)
        {
            yield return $"- tenantId: {PlanText.Id(tenant.TenantId)}";
            yield return $"  customerSubscriptionId: {Placeholder}";
        }
    }

    private static string LabelPart(string? label) => label is null ? string.Empty : $" ({OutsideText.Sanitize(label)})";
}
