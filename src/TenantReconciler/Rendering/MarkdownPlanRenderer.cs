using System.Text;
using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>
/// The plan as GitHub-flavoured markdown, for a pull-request comment: a heading, the summary, one table per registration
/// with pending changes, and the billing consequences in a warning block. Labels are escaped so that they stay plain text.
/// </summary>
public sealed class MarkdownPlanRenderer : IPlanRenderer
{
    public string Format => "markdown";

    public void Render(Plan plan, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(writer);

        writer.Write("### TenantReconciler plan\n");
        writer.Write("\n");
        if (!plan.HasChanges)
        {
            writer.Write($"{PlanText.NoChanges} {PlanText.Unchanged(plan)}\n");
            return;
        }

        writer.Write($"**Plan:** {PlanText.Summary(plan.Summary)}\n");
        foreach (var registration in plan.Registrations)
        {
            if (!registration.Summary.HasChanges)
            {
                continue;
            }

            var reference = registration.Registration;
            writer.Write("\n");
            writer.Write($"#### Registration `{reference.Name}`\n");
            writer.Write("\n");
            writer.Write($"Subscription `{PlanText.Id(reference.SubscriptionId)}`, resource group `{reference.ResourceGroup}`: {PlanText.Summary(registration.Summary)}\n");
            writer.Write("\n");
            writer.Write("| Action | Customer subscription | Tenant | Note |\n");
            writer.Write("| --- | --- | --- | --- |\n");
            var billed = new List<Guid>();
            foreach (var change in registration.PendingChanges)
            {
                writer.Write($"| {Action(change.Action)} | `{PlanText.Id(change.CustomerSubscriptionId)}` | {Tenant(change)} | {Note(change)} |\n");
                if (change.BillingFallbackTenantId is { } tenant)
                {
                    billed.Add(tenant);
                }
            }

            if (billed.Count > 0)
            {
                writer.Write("\n");
                writer.Write("> [!WARNING]\n");
                foreach (var tenant in billed)
                {
                    writer.Write($"> - Usage of tenant `{PlanText.Id(tenant)}` will be billed to the registration subscription `{PlanText.Id(reference.SubscriptionId)}`.\n");
                }
            }
        }
    }

    private static string Action(ChangeAction action) => action switch
    {
        ChangeAction.Add => "➕ add",
        ChangeAction.Overwrite => "🔁 overwrite",
        ChangeAction.Remove => "➖ remove",
        _ => "unchanged",
    };

    private static string Tenant(PlannedChange change)
    {
        var tenant = change.Action switch
        {
            ChangeAction.Remove => $"`{PlanText.Id(change.PreviousTenantId)}`",
            ChangeAction.Overwrite when change.PreviousTenantId is { } previous => $"`{PlanText.Id(previous)}` → `{PlanText.Id(change.TenantId)}`",
            _ => $"`{PlanText.Id(change.TenantId)}`",
        };
        return string.IsNullOrEmpty(change.Label) ? tenant : $"{tenant} ({Escape(change.Label)})";
    }

    private static string Note(PlannedChange change)
    {
        var notes = new List<string>(2);
        if (change.MovedFromSubscriptionId is { } from)
        {
            notes.Add($"moves from `{PlanText.Id(from)}` (deleted)");
        }

        if (change.BillingFallbackTenantId is { } billed)
        {
            notes.Add($"⚠️ `{PlanText.Id(billed)}` billed to the registration subscription");
        }

        return string.Join("; ", notes);
    }

    /// <summary>
    /// Turns a label into literal markdown text: control and format characters become visible escapes, and every ASCII
    /// punctuation character is backslash-escaped, so no emphasis, link, HTML or table cell break ('|') can be injected.
    /// </summary>
    internal static string Escape(string value)
    {
        var sanitized = PlanText.Sanitize(value);
        var builder = new StringBuilder(sanitized.Length + 8);
        foreach (var c in sanitized)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == ' ' || c > '\u007F')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('\\').Append(c);
            }
        }

        return builder.ToString();
    }
}
