using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>
/// The machine-readable plan. This is a contract: the property names and their order are fixed, GUIDs are lower-case
/// "D" format, absent values are <c>null</c> (never omitted), and every registration appears with its pending changes only.
/// <see cref="FormatVersion"/> changes when the shape does.
/// Guard warnings are not part of this shape (a field that is only sometimes present would break the "never omitted"
/// rule, and an always-present one would change the contract): they are on stderr and in the markdown comment.
/// </summary>
public sealed class JsonPlanRenderer : IPlanRenderer
{
    public const string FormatVersion = "1.0";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public string Format => "json";

    public void Render(Plan plan, TextWriter writer, IReadOnlyList<GuardViolation>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(writer);

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            Write(json, plan);
        }

        writer.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        writer.Write('\n');
    }

    private static void Write(Utf8JsonWriter json, Plan plan)
    {
        json.WriteStartObject();
        json.WriteString("formatVersion", FormatVersion);
        WriteSummary(json, plan.Summary);
        json.WriteStartArray("registrations");
        foreach (var registration in plan.Registrations)
        {
            var reference = registration.Registration;
            json.WriteStartObject();
            json.WriteString("id", reference.Id.ToString());
            json.WriteString("subscriptionId", PlanText.Id(reference.SubscriptionId));
            json.WriteString("resourceGroup", reference.ResourceGroup);
            json.WriteString("name", reference.Name);
            WriteSummary(json, registration.Summary);
            json.WriteStartArray("changes");
            foreach (var change in registration.PendingChanges)
            {
                json.WriteStartObject();
                json.WriteString("action", PlanText.ActionWord(change.Action));
                json.WriteString("customerSubscriptionId", PlanText.Id(change.CustomerSubscriptionId));
                WriteId(json, "tenantId", change.TenantId);
                WriteId(json, "previousTenantId", change.PreviousTenantId);
                WriteId(json, "movedFromSubscriptionId", change.MovedFromSubscriptionId);
                json.WriteString("label", change.Label);
                json.WriteString(
                    "billingNote",
                    change.BillingFallbackTenantId is { } billed ? PlanText.BillingNote(billed, reference) : null);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, PlanSummary summary)
    {
        json.WriteStartObject("summary");
        json.WriteNumber("add", summary.Add);
        json.WriteNumber("overwrite", summary.Overwrite);
        json.WriteNumber("remove", summary.Remove);
        json.WriteNumber("unchanged", summary.Unchanged);
        json.WriteEndObject();
    }

    private static void WriteId(Utf8JsonWriter json, string name, Guid? id)
    {
        if (id is { } value)
        {
            json.WriteString(name, PlanText.Id(value));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
