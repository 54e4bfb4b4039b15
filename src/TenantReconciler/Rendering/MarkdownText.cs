using System.Globalization;
using System.Net;
using System.Text;
using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>The pieces of the markdown comment: each one a whole line (or lines) ending in '\n', so lengths add up.</summary>
internal static class MarkdownText
{
    public const string Marker = "<!-- tenant-reconciler:plan -->";

    public const string TableHeader = "| Action | Customer subscription | Tenant | Note |\n| --- | --- | --- | --- |\n";

    /// <summary>"41,210": counts are written with a thousands separator, whatever the machine's culture.</summary>
    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Plural(int count, string one, string many) => $"{Count(count)} {(count == 1 ? one : many)}";

    public static string Head(PlanSummary summary, int registrations, int changedRegistrations, int billed) =>
        $"{Marker}\n" +
        "### TenantReconciler plan\n" +
        "\n" +
        "| Add | Overwrite | Remove | Unchanged | ⚠️ Billing impact | Registrations with changes |\n" +
        "| ---: | ---: | ---: | ---: | ---: | ---: |\n" +
        $"| {Count(summary.Add)} | {Count(summary.Overwrite)} | {Count(summary.Remove)} | {Count(summary.Unchanged)} | {Count(billed)} | {Count(changedRegistrations)} of {Count(registrations)} |\n";

    public static string NoChangesHead(Plan plan) =>
        $"{Marker}\n" +
        "### TenantReconciler plan\n" +
        "\n" +
        $"{PlanText.NoChanges} {PlanText.Unchanged(plan)}\n";

    public const string WarningsHeader =
        "\n> [!CAUTION]\n> **A default apply will refuse this plan.** Fix tenants.yaml, or pass the override that each guard names:\n";

    public static string Warning(GuardViolation warning) => $"> - {EscapeProse(warning.ToString())}\n";

    public static string MoreWarnings(int count) =>
        $"> - … {Plural(count, "more guard warning", "more guard warnings")}: see the log of the plan run (stderr), which lists every one.\n";

    public static string Shown(int shown, int total) =>
        $"\n> [!NOTE]\n> This comment shows {Count(shown)} of {Plural(total, "change", "changes")}, to stay within GitHub's comment limit; the counts above are complete. Every change is in the JSON plan artifact.\n";

    /// <summary>Opens a registration's block: the collapsed line, where it is, its billing impact and the table head.</summary>
    public static string Open(RegistrationRef registration, PlanSummary summary, int billed)
    {
        var builder = new StringBuilder(512)
            .Append("\n<details>\n<summary>Registration <code>")
            .Append(WebUtility.HtmlEncode(registration.Name))
            .Append("</code>: ")
            .Append(WebUtility.HtmlEncode(Summary(summary)))
            .Append("</summary>\n\n")
            .Append("Subscription `").Append(PlanText.Id(registration.SubscriptionId))
            .Append("`, resource group `").Append(registration.ResourceGroup).Append("`.\n");
        if (billed > 0)
        {
            builder
                .Append("\n> [!WARNING]\n> ")
                .Append(Plural(billed, "change leaves", "changes leave"))
                .Append(" a tenant with no mapping in this registration (marked ⚠️ below): that tenant's usage will be billed to the registration subscription `")
                .Append(PlanText.Id(registration.SubscriptionId)).Append("`.\n");
        }

        return builder.Append('\n').Append(TableHeader).ToString();
    }

    public const string Close = "\n</details>\n";

    public static string MoreChanges(int count) => $"\n… {Plural(count, "more change", "more changes")}: see the JSON plan artifact.\n";

    public static string MoreRegistrations(int registrations, int changes) =>
        $"\n… {Plural(registrations, "more registration", "more registrations")} with {Plural(changes, "more change", "more changes")}: see the JSON plan artifact.\n";

    /// <summary>"20,000 to add, 0 to overwrite, 0 to remove, 10 unchanged.": <see cref="PlanText.Summary"/> with separators.</summary>
    public static string Summary(PlanSummary summary) =>
        $"{Count(summary.Add)} to add, {Count(summary.Overwrite)} to overwrite, {Count(summary.Remove)} to remove, {Count(summary.Unchanged)} unchanged.";

    public static string Row(PlannedChange change) =>
        $"| {Action(change.Action)} | `{PlanText.Id(change.CustomerSubscriptionId)}` | {Tenant(change)} | {Note(change)} |\n";

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

    /// <summary>The move, and the billing-impact line that every removal and every dropped mapping carries.</summary>
    private static string Note(PlannedChange change)
    {
        var move = change.MovedFromSubscriptionId is { } from ? $"moves from `{PlanText.Id(from)}` (deleted)" : null;
        var billing = change.BillingFallbackTenantId is { } billed ? $"⚠️ `{PlanText.Id(billed)}` billed to the registration subscription" : null;
        return move is not null && billing is not null ? $"{move}; {billing}" : move ?? billing ?? string.Empty;
    }

    /// <summary>
    /// Turns user text into literal markdown: control and format characters become visible escapes, and every ASCII
    /// punctuation character is backslash-escaped, so no emphasis, link, HTML or table cell break ('|') can be injected.
    /// </summary>
    public static string Escape(string value)
    {
        var sanitized = OutsideText.Sanitize(value);
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

    /// <summary>
    /// Our own sentences (guard messages): sanitised, and only the characters that can start markup inside a line are
    /// escaped, so that they stay readable in the raw comment while no emphasis, link, HTML or cell break gets through.
    /// </summary>
    public static string EscapeProse(string value)
    {
        var sanitized = OutsideText.Sanitize(value);
        var builder = new StringBuilder(sanitized.Length + 8);
        foreach (var c in sanitized)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '~' or '#' or '!' or '&' or '$')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
