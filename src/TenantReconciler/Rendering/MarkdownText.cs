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

    /// <summary>The longest label a comment shows, in characters (after sanitising); a longer one ends in '…'.</summary>
    public const int MaxLabelLength = 200;

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

    /// <param name="everyRemoval">True when every removal and overwrite is shown (only adds are folded).</param>
    public static string Shown(int shown, int total, bool everyRemoval) =>
        $"\n> [!NOTE]\n> This comment shows {Count(shown)} of {Plural(total, "change", "changes")}, to stay within GitHub's comment limit; the counts above are complete. " +
        (everyRemoval
            ? "Every removal and every overwrite is listed; only adds are folded. Every change is in the JSON plan artifact.\n"
            : "**Not every removal and overwrite could be listed**: the fold notes below count them. Every change is in the JSON plan artifact.\n");

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

    /// <summary>The fold note of a registration's table: how many changes are not listed, and how many of them are removals or overwrites.</summary>
    public static string MoreChanges(int count, int priority) =>
        $"\n… {Plural(count, "more change", "more changes")}{Among(count, priority)}: see the JSON plan artifact.\n";

    public static string MoreRegistrations(int registrations, int changes, int priority) =>
        $"\n… {Plural(registrations, "more registration", "more registrations")} with {Plural(changes, "more change", "more changes")}{Among(changes, priority)}: see the JSON plan artifact.\n";

    private static string Among(int count, int priority) =>
        priority == 0 ? (count == 1 ? " (an add)" : " (all adds)")
        : priority == count ? (count == 1 ? " (a removal or an overwrite)" : " (all removals or overwrites)")
        : $" ({Count(priority)} of them {(priority == 1 ? "a removal or an overwrite" : "removals or overwrites")})";

    /// <summary>"20,000 to add, 0 to overwrite, 0 to remove, 10 unchanged.": <see cref="PlanText.Summary"/> with separators.</summary>
    public static string Summary(PlanSummary summary) =>
        $"{Count(summary.Add)} to add, {Count(summary.Overwrite)} to overwrite, {Count(summary.Remove)} to remove, {Count(summary.Unchanged)} unchanged.";

    public static string Row(PlannedChange change) =>
        $"| {Action(change.Action)} | `{PlanText.Id(change.CustomerSubscriptionId)}` | {Tenant(change, withLabel: true)} | {Note(change)} |\n";

    /// <summary>The row shortened so that every removal and overwrite fits: no label, the billing note as its mark alone.</summary>
    public static string CompactRow(PlannedChange change)
    {
        var move = change.MovedFromSubscriptionId is { } from ? $"moves from `{PlanText.Id(from)}`" : null;
        var billing = change.BillingFallbackTenantId is not null ? "⚠️" : null;
        var note = move is not null && billing is not null ? $"{move}; {billing}" : move ?? billing ?? string.Empty;
        return $"| {Action(change.Action)} | `{PlanText.Id(change.CustomerSubscriptionId)}` | {Tenant(change, withLabel: false)} | {note} |\n";
    }

    private static string Action(ChangeAction action) => action switch
    {
        ChangeAction.Add => "➕ add",
        ChangeAction.Overwrite => "🔁 overwrite",
        ChangeAction.Remove => "➖ remove",
        _ => "unchanged",
    };

    private static string Tenant(PlannedChange change, bool withLabel)
    {
        var tenant = change.Action switch
        {
            ChangeAction.Remove => $"`{PlanText.Id(change.PreviousTenantId)}`",
            ChangeAction.Overwrite when change.PreviousTenantId is { } previous => $"`{PlanText.Id(previous)}` → `{PlanText.Id(change.TenantId)}`",
            _ => $"`{PlanText.Id(change.TenantId)}`",
        };
        return !withLabel || string.IsNullOrEmpty(change.Label) ? tenant : $"{tenant} ({Label(change.Label)})";
    }

    /// <summary>The move, and the billing-impact line that every removal and every dropped mapping carries.</summary>
    private static string Note(PlannedChange change)
    {
        var move = change.MovedFromSubscriptionId is { } from ? $"moves from `{PlanText.Id(from)}` (deleted)" : null;
        var billing = change.BillingFallbackTenantId is { } billed
            ? change.Usage is { } usage
                ? $"⚠️ `{PlanText.Id(billed)}` ({PlanText.UsageShort(usage)}) billed to the registration subscription"
                : $"⚠️ `{PlanText.Id(billed)}` billed to the registration subscription"
            : null;
        return move is not null && billing is not null ? $"{move}; {billing}" : move ?? billing ?? string.Empty;
    }

    /// <summary>
    /// A label (or any other text from the desired-state file) as literal markdown: sanitised, capped at
    /// <see cref="MaxLabelLength"/>, and inside a code span, where GitHub makes no mention (<c>@user</c>,
    /// <c>@org/team</c>), no link or autolink (<c>http://…</c>, <c>www.…</c>), no emphasis and no HTML of it. The span's
    /// fence is longer than any run of backticks inside, and a <c>|</c> is escaped so that it cannot end a table cell.
    /// </summary>
    public static string Label(string value) => Code(Cap(OutsideText.Sanitize(value)));

    /// <summary><paramref name="value"/> cut at <see cref="MaxLabelLength"/> characters (never inside a surrogate pair), with '…'.</summary>
    public static string Cap(string value)
    {
        if (value.Length <= MaxLabelLength)
        {
            return value;
        }

        var cut = char.IsHighSurrogate(value[MaxLabelLength - 2]) ? MaxLabelLength - 2 : MaxLabelLength - 1;
        return string.Concat(value.AsSpan(0, cut), "…");
    }

    /// <summary>A code span holding <paramref name="value"/> (already sanitised) literally, safe inside a table cell.</summary>
    public static string Code(string value)
    {
        var longest = 0;
        var run = 0;
        foreach (var c in value)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);
        var pad = value.Length > 0 && (value[0] is '`' or ' ' || value[^1] is '`' or ' ') ? " " : string.Empty;
        return $"{fence}{pad}{value.Replace("|", "\\|", StringComparison.Ordinal)}{pad}{fence}";
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
