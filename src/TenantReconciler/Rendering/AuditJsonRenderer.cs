using System.Text.Json;
using TenantReconciler.Stamps;

namespace TenantReconciler.Rendering;

/// <summary>
/// The machine-readable audit: a contract, documented in the README (<c>audit</c>). Property names and their order are
/// fixed, GUIDs are lower-case "D", quantities are JSON numbers, absent values are <c>null</c> (never omitted), times are
/// UTC in ISO 8601. <see cref="FormatVersion"/> changes when the shape does.
/// </summary>
public sealed class AuditJsonRenderer : IAuditRenderer
{
    public const string FormatVersion = "1.0";

    public string Format => "json";

    public void Render(AuditReport report, TextWriter writer) => JsonContract.Write(writer, report, Write);

    private static void Write(Utf8JsonWriter json, AuditReport report)
    {
        json.WriteStartObject();
        json.WriteString("formatVersion", FormatVersion);
        json.WriteStartObject("window");
        json.WriteString("start", UsageWindow.QueryTime(report.Window.Start));
        json.WriteString("end", UsageWindow.QueryTime(report.Window.End));
        json.WriteNumber("days", report.Window.Days);
        json.WriteEndObject();
        json.WriteBoolean("complete", report.Unreadable.Count == 0 && report.Mismatched.Count == 0);

        json.WriteStartObject("summary");
        json.WriteNumber("stamps", report.Registrations.Count);
        json.WriteNumber("unbilledTenants", report.Registrations.Sum(r => r.Unbilled.Count));
        json.WriteNumber("unbilledUsage", report.Registrations.Sum(r => r.UnbilledUsage));
        json.WriteNumber("desiredNotRegistered", report.Registrations.Sum(r => r.DesiredNotRegistered.Count));
        json.WriteNumber("unusedMappings", report.Registrations.Sum(r => r.UnusedMappings.Count));
        json.WriteNumber("notVisibleSubscriptions", report.Registrations.Sum(r => r.NotVisible.Count));
        json.WriteNumber("unreadableStamps", report.Unreadable.Count);
        json.WriteNumber("registrationsWithoutStamp", report.RegistrationsWithoutStamp);
        json.WriteEndObject();

        json.WriteStartArray("registrations");
        foreach (var audit in report.Registrations)
        {
            WriteRegistration(json, audit);
            JsonContract.FlushIfLarge(json);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRegistration(Utf8JsonWriter json, RegistrationAudit audit)
    {
        var stamp = audit.Stamp;
        json.WriteStartObject();
        json.WriteStartObject("registration");
        JsonContract.WriteIdentity(json, audit.Registration);
        json.WriteEndObject();
        json.WriteStartObject("stamp");
        json.WriteString("adminEndpoint", StampEndpoint.Base(stamp.Stamp.AdminEndpoint));
        json.WriteString("providerSubscriptionId", PlanText.Id(stamp.Stamp.ProviderSubscriptionId));
        json.WriteString("status", stamp.Status switch
        {
            StampReadStatus.Complete => "complete",
            StampReadStatus.Mismatch => "mismatch",
            _ => "unknown",
        });
        json.WriteString("problem", stamp.Problem);
        json.WriteString("activatedRegistrationId", stamp.ActivatedRegistrationId);
        json.WriteBoolean("usageReportingEnabled", stamp.UsageReportingEnabled);
        json.WriteNumber("userSubscriptions", stamp.SubscriptionCount);
        json.WriteNumber("usageRecords", stamp.UsageRecords);
        json.WriteStartArray("warnings");
        foreach (var warning in stamp.Warnings)
        {
            json.WriteStringValue(warning);
        }

        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartObject("unbilled");
        json.WriteNumber("usage", audit.UnbilledUsage);
        WriteTenants(json, "tenants", audit.Unbilled);
        json.WriteEndObject();
        WriteTenants(json, "desiredNotRegistered", audit.DesiredNotRegistered);
        WriteTenants(json, "billedToOperator", audit.BilledToOperator);

        json.WriteStartArray("unusedMappings");
        foreach (var mapping in audit.UnusedMappings)
        {
            json.WriteStartObject();
            json.WriteString("tenantId", PlanText.Id(mapping.TenantId));
            json.WriteString("customerSubscriptionId", PlanText.Id(mapping.CustomerSubscriptionId));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartObject("notVisible");
        json.WriteStartArray("subscriptions");
        foreach (var subscription in audit.NotVisible)
        {
            json.WriteStartObject();
            json.WriteString("tenantId", PlanText.Id(subscription.TenantId));
            json.WriteString("subscriptionId", PlanText.Id(subscription.SubscriptionId));
            json.WriteString("delegatedProviderSubscriptionId", subscription.DelegatedProviderSubscriptionId == Guid.Empty ? null : PlanText.Id(subscription.DelegatedProviderSubscriptionId));
            json.WriteString("state", subscription.State);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("unattributed");
        foreach (var (subscription, quantity) in stamp.Unattributed.OrderBy(u => PlanText.Id(u.Key), StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("subscriptionId", PlanText.Id(subscription));
            json.WriteNumber("usage", quantity);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteTenants(Utf8JsonWriter json, string name, IReadOnlyList<AuditTenant> tenants)
    {
        json.WriteStartArray(name);
        foreach (var tenant in tenants)
        {
            json.WriteStartObject();
            json.WriteString("tenantId", PlanText.Id(tenant.TenantId));
            json.WriteString("label", tenant.Label);
            json.WriteString("customerSubscriptionId", tenant.CustomerSubscriptionId is { } customer ? PlanText.Id(customer) : null);
            json.WriteNumber("usage", tenant.Quantity);
            json.WriteStartArray("subscriptions");
            foreach (var entry in tenant.Subscriptions)
            {
                var s = entry.Subscription;
                json.WriteStartObject();
                json.WriteString("subscriptionId", PlanText.Id(s.SubscriptionId));
                json.WriteNumber("usage", entry.Quantity);
                json.WriteString("state", s.State);
                json.WriteString("offer", s.Offer);
                json.WriteString("owner", s.Owner);
                json.WriteString("displayName", s.DisplayName);
                json.WriteString("delegatedProviderSubscriptionId", PlanText.Id(s.DelegatedProviderSubscriptionId));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
