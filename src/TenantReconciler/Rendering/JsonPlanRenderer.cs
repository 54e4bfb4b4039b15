using System.Text.Json;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>
/// The machine-readable plan, one contract for <c>plan -o json</c>, <c>show -o json</c> and the file <c>plan --out</c>
/// saves (docs/plan-json.md): the property names and their order are fixed, GUIDs are lower-case "D" format, absent
/// values are <c>null</c> (never omitted), and every row of every registration is listed, unchanged rows included.
/// The saved plan fills in <c>planId</c> and <c>createdAt</c>, which are null otherwise: a script reads either the
/// same way. <see cref="FormatVersion"/> changes when the shape does.
/// </summary>
public sealed class JsonPlanRenderer : IPlanRenderer
{
    public const string FormatVersion = SavedPlan.CurrentFormatVersion;

    public string Format => "json";

    /// <summary>The plan without its header (tests, and a plan with nothing else known): the header's fields are null.</summary>
    public void Render(Plan plan, TextWriter writer, IReadOnlyList<GuardViolation>? warnings = null) =>
        Render(plan, null, (warnings ?? []).Select(PlanGuard.Of).ToArray(), writer);

    /// <summary>The whole document: the plan, where it came from (<paramref name="header"/>) and the guards' verdicts.</summary>
    public static void Render(Plan plan, PlanHeader? header, IReadOnlyList<PlanGuard> guards, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(guards);
        ArgumentNullException.ThrowIfNull(writer);

        JsonContract.Write(writer, json => Write(json, plan, header, guards));
    }

    private static void Write(Utf8JsonWriter json, Plan plan, PlanHeader? header, IReadOnlyList<PlanGuard> guards)
    {
        json.WriteStartObject();
        json.WriteString("formatVersion", FormatVersion);
        json.WriteString("toolVersion", header?.ToolVersion);
        JsonContract.WriteId(json, "planId", header?.PlanId);
        if (header?.CreatedAt is { } createdAt)
        {
            json.WriteString("createdAt", createdAt);
        }
        else
        {
            json.WriteNull("createdAt");
        }

        WriteSource(json, header?.Source);
        WriteTarget(json, header?.Target);
        WriteSummary(json, plan.Summary);
        json.WriteBoolean("applyWillRefuse", guards.Any(g => g.RefusesApply));
        json.WriteStartArray("guards");
        foreach (var guard in guards)
        {
            json.WriteStartObject();
            json.WriteString("guard", guard.Guard);
            json.WriteString("registration", guard.Registration);
            json.WriteNumber("count", guard.Count);
            JsonContract.WriteNumber(json, "limit", guard.Limit);
            json.WriteString("override", guard.Override);
            json.WriteBoolean("refusesApply", guard.RefusesApply);
            json.WriteString("message", guard.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("registrations");
        foreach (var registration in plan.Registrations)
        {
            var reference = registration.Registration;
            json.WriteStartObject();
            JsonContract.WriteIdentity(json, reference);
            json.WriteString("liveFingerprint", header?.Fingerprints.GetValueOrDefault(reference));
            WriteSummary(json, registration.Summary);
            json.WriteStartArray("changes");
            foreach (var change in registration.Changes)
            {
                json.WriteStartObject();
                json.WriteString("action", PlanText.ActionWord(change.Action));
                json.WriteString("customerSubscriptionId", PlanText.Id(change.CustomerSubscriptionId));
                json.WriteString("customerSubscriptionName", change.CustomerSubscriptionName);
                JsonContract.WriteId(json, "tenantId", change.TenantId);
                JsonContract.WriteId(json, "previousTenantId", change.PreviousTenantId);
                JsonContract.WriteId(json, "movedFromSubscriptionId", change.MovedFromSubscriptionId);
                json.WriteString("movedFromSubscriptionName", change.MovedFromSubscriptionName);
                json.WriteString("label", change.Label);
                JsonContract.WriteId(json, "billingFallbackTenantId", change.BillingFallbackTenantId);
                json.WriteString(
                    "billingNote",
                    change.BillingFallbackTenantId is { } billed ? PlanText.BillingNote(billed, reference) : null);
                WriteUsage(json, change, reference);
                json.WriteEndObject();
                JsonContract.FlushIfLarge(json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// <c>usage</c>: for a change that leaves a tenant unmapped on a registration with a stamp, the tenant's usage in
    /// the window (<c>kind</c> none, used or unknown; <c>quantity</c>, <c>subscriptions</c>, <c>reason</c>, the window, and
    /// the sentence the text plan prints); null otherwise. A saved plan reads it back (the sentence aside).
    /// </summary>
    private static void WriteUsage(Utf8JsonWriter json, PlannedChange change, RegistrationRef registration)
    {
        if (change.Usage is not { } usage || change.BillingFallbackTenantId is not { } tenant)
        {
            json.WriteNull("usage");
            return;
        }

        json.WriteStartObject("usage");
        json.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(usage.Kind.ToString()));
        json.WriteNumber("quantity", usage.Quantity);
        json.WriteNumber("subscriptions", usage.Subscriptions);
        json.WriteString("reason", usage.Reason);
        json.WriteString("windowStart", usage.WindowStart);
        json.WriteString("windowEnd", usage.WindowEnd);
        json.WriteNumber("days", usage.Days);
        json.WriteString("note", PlanText.UsageNote(tenant, usage, registration));
        json.WriteEndObject();
    }

    private static void WriteSource(Utf8JsonWriter json, PlanSource? source)
    {
        if (source is null)
        {
            json.WriteNull("source");
            return;
        }

        json.WriteStartObject("source");
        json.WriteStartArray("files");
        foreach (var file in source.Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteString("sha256", file.Sha256);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (source.Inputs is { } inputs)
        {
            json.WriteStartArray("inputs");
            foreach (var input in inputs)
            {
                json.WriteStringValue(input);
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("inputs");
        }

        JsonContract.WriteId(json, "undoOf", source.UndoOf);
        json.WriteString("journal", source.Journal);
        if (source.Registrations is { } registrations)
        {
            json.WriteStartArray("registrations");
            foreach (var registration in registrations)
            {
                json.WriteStringValue(registration);
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("registrations");
        }
        json.WriteEndObject();
    }

    private static void WriteTarget(Utf8JsonWriter json, PlanTarget? target)
    {
        if (target is null)
        {
            json.WriteNull("target");
            return;
        }

        json.WriteStartObject("target");
        json.WriteString("cloud", JsonNamingPolicy.CamelCase.ConvertName(target.Cloud.ToString()));
        json.WriteString("endpoint", target.Endpoint);
        json.WriteString("apiVersion", target.ApiVersion);
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
}
