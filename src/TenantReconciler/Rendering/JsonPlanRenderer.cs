using System.Text.Json;
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

    public string Format => "json";

    public void Render(Plan plan, TextWriter writer, IReadOnlyList<GuardViolation>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(writer);

        JsonContract.Write(writer, json => Write(json, plan));
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
            JsonContract.WriteIdentity(json, reference);
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
                JsonContract.FlushIfLarge(json);
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
