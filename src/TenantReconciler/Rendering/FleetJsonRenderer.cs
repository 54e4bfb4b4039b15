using System.Text.Json;
using TenantReconciler.Fleet;

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

    public string Format => "json";

    public void Render(FleetView view, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(writer);

        JsonContract.Write(writer, json => Write(json, view));
    }

    private static void Write(Utf8JsonWriter json, FleetView view)
    {
        json.WriteStartObject();
        json.WriteString("formatVersion", FormatVersion);
        json.WriteBoolean("live", view.IsLive);
        WriteSummary(json, view.Summary);

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

    private static void WriteCell(Utf8JsonWriter json, FleetCell cell)
    {
        json.WriteStartObject();
        json.WriteNumber("registration", cell.Column);
        if (cell.DesiredSubscriptionId is { } desired)
        {
            json.WriteString("desiredSubscriptionId", PlanText.Id(desired));
        }
        else
        {
            json.WriteNull("desiredSubscriptionId");
        }

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
        WriteCount(json, "inPlace", summary.InPlace);
        WriteCount(json, "different", summary.Different);
        WriteCount(json, "desiredNotLive", summary.DesiredNotLive);
        WriteCount(json, "liveNotDesired", summary.LiveNotDesired);
        json.WriteEndObject();
    }

    private static void WriteCount(Utf8JsonWriter json, string name, int? count)
    {
        if (count is { } value)
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
