using System.Text.Json;
using TenantReconciler.Fleet;
using TenantReconciler.Stamps;

namespace TenantReconciler.Rendering;

/// <summary>
/// The machine-readable tenant × registration view: a contract, documented in <c>docs/tenants-view.md</c>. The property
/// names and their order are fixed, GUIDs are lower-case "D" format, absent values are <c>null</c> (never omitted), and
/// <c>tenants[i].cells</c> lists only the cells that exist (the tenant desired or live there), in registration order,
/// each naming its registration by index: <c>registrations[cell.registration]</c>. So the output is as long as the
/// fleet's mappings (format 1.0 had one cell per tenant and registration: 3,000 registrations of one tenant each were
/// 9,000,000 cells). <see cref="FormatVersion"/> changes when the shape does.
/// </summary>
public sealed class FleetJsonRenderer : IFleetRenderer
{
    public const string FormatVersion = "2.0";

    /// <summary>With stamps (<c>tenants --live</c> and a <c>stamp:</c> block): 2.0 plus <c>usage</c> at the top and on every tenant.</summary>
    public const string UsageFormatVersion = "2.1";

    public string Format => "json";

    public void Render(FleetView view, TextWriter writer) => JsonContract.Write(writer, view, Write);

    private static void Write(Utf8JsonWriter json, FleetView view)
    {
        json.WriteStartObject();
        json.WriteString("formatVersion", view.Usage is null ? FormatVersion : UsageFormatVersion);
        json.WriteBoolean("live", view.IsLive);
        WriteSummary(json, view.Summary);
        if (view.Usage is { } usage)
        {
            WriteUsage(json, usage);
        }

        json.WriteStartArray("registrations");
        foreach (var registration in view.Registrations)
        {
            json.WriteStartObject();
            JsonContract.WriteIdentity(json, registration);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("tenants");
        foreach (var row in view.Rows)
        {
            json.WriteStartObject();
            json.WriteString("tenantId", PlanText.Id(row.TenantId));
            json.WriteString("label", row.Label);
            json.WriteBoolean("desired", row.IsDesired);
            if (view.Usage is not null)
            {
                WriteRowUsage(json, row.Usage!);
            }

            json.WriteStartArray("cells");
            foreach (var cell in row.Present)
            {
                WriteCell(json, cell);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            JsonContract.FlushIfLarge(json);
        }

        json.WriteEndArray();

        var names = FleetText.NamesOf(view.Registrations);
        json.WriteStartArray("flags");
        foreach (var flag in view.Flags)
        {
            json.WriteStartObject();
            json.WriteString("kind", FleetText.Word(flag.Kind));
            json.WriteString("tenantId", PlanText.Id(flag.TenantId));
            json.WriteString("label", flag.Label);
            json.WriteStartArray("registrations");
            foreach (var cell in flag.Cells)
            {
                json.WriteStartObject();
                json.WriteString("id", cell.Registration.Id.ToString());
                json.WriteString("name", cell.Registration.Name);
                json.WriteString("label", cell.Label);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("message", FleetText.Message(flag, names));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter json, FleetUsage usage)
    {
        json.WriteStartObject("usage");
        json.WriteString("windowStart", UsageWindow.QueryTime(usage.Window.Start));
        json.WriteString("windowEnd", UsageWindow.QueryTime(usage.Window.End));
        json.WriteNumber("days", usage.Window.Days);
        json.WriteNumber("tenantsWithUsage", usage.WithUsage);
        json.WriteNumber("tenantsUnknown", usage.Unknown);
        json.WriteStartArray("stamps");
        foreach (var read in usage.Stamps)
        {
            json.WriteStartObject();
            json.WriteNumber("registration", read.Column);
            json.WriteString("status", JsonNamingPolicy.CamelCase.ConvertName(read.Status.ToString()));
            json.WriteString("problem", read.Problem is null ? null : OutsideText.Sanitize(read.Problem));
            json.WriteNumber("userSubscriptions", read.Subscriptions);
            json.WriteNumber("usageRecords", read.Records);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRowUsage(Utf8JsonWriter json, FleetRowUsage usage)
    {
        json.WriteStartObject("usage");
        WriteTenantUsage(json, usage.Total);
        json.WriteStartArray("registrations");
        foreach (var cell in usage.ByRegistration)
        {
            json.WriteStartObject();
            json.WriteNumber("registration", cell.Column);
            WriteTenantUsage(json, cell.Usage);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTenantUsage(Utf8JsonWriter json, TenantUsage usage)
    {
        json.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(usage.Kind.ToString()));
        json.WriteNumber("quantity", usage.Quantity);
        json.WriteNumber("subscriptions", usage.Subscriptions);
        json.WriteString("reason", usage.Reason is null ? null : OutsideText.Sanitize(usage.Reason));
    }

    private static void WriteCell(Utf8JsonWriter json, FleetCell cell)
    {
        json.WriteStartObject();
        json.WriteNumber("registration", cell.Column);
        JsonContract.WriteId(json, "desiredSubscriptionId", cell.DesiredSubscriptionId);

        json.WriteString("label", cell.Label);
        if (cell.LiveSubscriptionIds is { } live)
        {
            json.WriteStartArray("liveSubscriptionIds");
            foreach (var id in live)
            {
                json.WriteStringValue(PlanText.Id(id));
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("liveSubscriptionIds");
        }

        json.WriteString("status", cell.Status is { } status ? FleetText.Word(status) : null);
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, FleetSummary summary)
    {
        json.WriteStartObject("summary");
        json.WriteNumber("tenants", summary.Tenants);
        json.WriteNumber("registrations", summary.Registrations);
        json.WriteNumber("desired", summary.Desired);
        JsonContract.WriteNumber(json, "inPlace", summary.InPlace);
        JsonContract.WriteNumber(json, "different", summary.Different);
        JsonContract.WriteNumber(json, "desiredNotLive", summary.DesiredNotLive);
        JsonContract.WriteNumber(json, "liveNotDesired", summary.LiveNotDesired);
        json.WriteEndObject();
    }
}
