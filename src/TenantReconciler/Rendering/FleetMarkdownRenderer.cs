using System.Text;
using TenantReconciler.Fleet;

namespace TenantReconciler.Rendering;

/// <summary>
/// The tenant × registration view as GitHub markdown (a wiki page, an issue or a pull-request comment): a hidden marker,
/// the summary, the information flags in a note, then one table row per tenant and one column per registration. The
/// output stays shorter than the character limit. Every row with drift (a ~ or − cell: what a plan would overwrite or
/// remove) is listed first, shortened (without its label) rather than skipped when they do not all fit; past that, the
/// last flags, then the last other rows, are folded into a count that points to <c>-o json</c>. The summary is never cut.
/// Labels are capped and put in code spans, so that no label is a mention, a link or markup.
/// </summary>
public sealed class FleetMarkdownRenderer : IFleetRenderer
{
    public const string Marker = "<!-- tenant-reconciler:tenants -->";

    /// <summary>As the plan comment: room below GitHub's 65,535 for a CI step to add a line or two.</summary>
    public const int DefaultCharacterLimit = 60_000;

    public const int MinimumCharacterLimit = 2_000;

    private readonly int _characterLimit;
    private readonly IOptionNames _optionNames;

    public FleetMarkdownRenderer()
        : this(DefaultCharacterLimit)
    {
    }

    /// <param name="characterLimit">The output is shorter than this, counted in UTF-16 code units (string length),
    /// unless the summary and the table head alone are longer.</param>
    /// <param name="optionNames">How the host spells the settings the summary names (the CLI's flags; neutral by default).</param>
    public FleetMarkdownRenderer(int characterLimit, IOptionNames? optionNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(characterLimit, MinimumCharacterLimit);
        _characterLimit = characterLimit;
        _optionNames = optionNames ?? NeutralOptionNames.Instance;
    }

    public string Format => "markdown";

    public void Render(FleetView view, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(writer);

        var head = $"{Marker}\n### Tenants by registration\n\n{MarkdownText.EscapeProse(FleetText.Summary(view).Spell(_optionNames))}\n"
            + (FleetText.UsageSummary(view) is { } usageSummary ? $"\n{MarkdownText.EscapeProse(usageSummary)}\n" + StampReads(view) : string.Empty);
        var legend = view.IsLive ? $"\nLegend: {MarkdownText.EscapeProse(FleetText.Legend)}.\n" : string.Empty;
        var tableHead = TableHead(view);
        var moreReserve = MoreFlags(int.MaxValue).Length + MoreTenants(int.MaxValue, int.MaxValue).Length;
        var budget = _characterLimit - 1 - head.Length - legend.Length - tableHead.Length - moreReserve - FlagsHeader.Length;

        var columnNames = FleetText.ColumnNames(view.Registrations);

        // 1. Every row with drift a plan would correct (~ or −): at full length, else all shortened, else as many as fit.
        var shown = new string?[view.Rows.Count];
        var drift = new List<int>();
        long full = 0, compact = 0;
        for (var i = 0; i < view.Rows.Count; i++)
        {
            if (HasDrift(view.Rows[i]))
            {
                drift.Add(i);
                full += Row(view.Rows[i], withLabel: true, columnNames).Length;
                compact += Row(view.Rows[i], withLabel: false, columnNames).Length;
            }
        }

        var withLabel = full <= budget;
        foreach (var i in drift)
        {
            var line = Row(view.Rows[i], withLabel, columnNames);
            if (line.Length > budget)
            {
                break;
            }

            budget -= line.Length;
            shown[i] = line;
        }

        var driftFolded = drift.Count(i => shown[i] is null);

        // 2. The flags (information), then 3. the other rows, in order, while they fit.
        var flags = new StringBuilder();
        var names = FleetText.NamesOf(view.Registrations);
        var shownFlags = 0;
        foreach (var flag in view.Flags)
        {
            var line = $"> - {FleetText.Message(flag, names, MarkdownText.Label, static name => $"`{name}`")}\n";
            if (line.Length > budget)
            {
                break;
            }

            budget -= line.Length;
            flags.Append(line);
            shownFlags++;
        }

        for (var i = 0; i < view.Rows.Count; i++)
        {
            if (shown[i] is not null || HasDrift(view.Rows[i]))
            {
                continue;
            }

            var line = Row(view.Rows[i], withLabel: true, columnNames);
            if (line.Length > budget)
            {
                break;
            }

            budget -= line.Length;
            shown[i] = line;
        }

        writer.Write(head);
        if (view.Flags.Count > 0)
        {
            writer.Write(FlagsHeader);
            writer.Write(flags);
            if (shownFlags < view.Flags.Count)
            {
                writer.Write(MoreFlags(view.Flags.Count - shownFlags));
            }
        }

        writer.Write('\n');
        if (view.Rows.Count == 0)
        {
            writer.Write("No tenants.\n");
        }
        else
        {
            writer.Write(tableHead);
            var written = 0;
            foreach (var line in shown)
            {
                if (line is not null)
                {
                    writer.Write(line);
                    written++;
                }
            }

            if (written < view.Rows.Count)
            {
                writer.Write(MoreTenants(view.Rows.Count - written, driftFolded));
            }
        }

        writer.Write(legend);
    }

    /// <summary>A row with a cell that a plan would change: live on another subscription (~), or live and not desired (−).</summary>
    private static bool HasDrift(FleetRow row) => row.Present.Any(c => c.Status is CellStatus.Different or CellStatus.LiveNotDesired);

    private const string FlagsHeader = "\n> [!NOTE]\n> **For information** (nothing is wrong with the desired state because of these):\n";

    private static string MoreFlags(int count) => $"> - … {FleetText.Plural(count, "more item", "more items")}: see `tenant-reconciler tenants -o json`.\n";

    private static string MoreTenants(int count, int drift) =>
        $"\n… {FleetText.Plural(count, "more tenant", "more tenants")}{(drift == 0 ? " (none with drift: every ~ and − row is listed)" : $" ({drift} of them with drift)")}, to stay within GitHub's comment limit: see `tenant-reconciler tenants -o json`.\n";

    /// <summary>Each stamp's read, one list item each (the problem of a stamp that could not be read is its own sentence).</summary>
    private static string StampReads(FleetView view)
    {
        var names = FleetText.ColumnNames(view.Registrations);
        var builder = new StringBuilder();
        foreach (var read in view.Usage!.Stamps)
        {
            builder.Append("- `").Append(names[read.Column]).Append("`: ").Append(MarkdownText.EscapeProse(FleetText.StampRead(read))).Append('\n');
        }

        return builder.ToString();
    }

    private static string TableHead(FleetView view)
    {
        if (!FleetText.IsMatrix(view))
        {
            return view.Usage is null
                ? "| Tenant | Label | Registration | Cell |\n| --- | --- | --- | --- |\n"
                : "| Tenant | Label | Registration | Cell | Usage |\n| --- | --- | --- | --- | --- |\n";
        }

        var names = FleetText.ColumnNames(view.Registrations);
        var builder = new StringBuilder("| Tenant | Label |");
        foreach (var name in names)
        {
            builder.Append(" `").Append(name).Append("` |");
        }

        if (view.Usage is not null)
        {
            builder.Append(" Usage |");
        }

        builder.Append("\n| --- | --- |");
        foreach (var _ in names)
        {
            builder.Append(" --- |");
        }

        if (view.Usage is not null)
        {
            builder.Append(" --- |");
        }

        return builder.Append('\n').ToString();
    }

    /// <summary>
    /// One tenant's lines: a row of the matrix, or (past <see cref="FleetText.MatrixColumns"/> registrations) one line per
    /// cell that exists, the tenant and its label on the first. <paramref name="withLabel"/> false is the shortened form
    /// (no label) that lets every drift row fit.
    /// </summary>
    private static string Row(FleetRow row, bool withLabel, string[] names)
    {
        var label = row.Label is null || !withLabel ? string.Empty : MarkdownText.Label(row.Label);
        var builder = new StringBuilder(96 + (row.Present.Count * 96));
        if (row.Columns <= FleetText.MatrixColumns)
        {
            builder.Append("| `").Append(PlanText.Id(row.TenantId)).Append("` | ").Append(label).Append(" |");
            foreach (var cell in row.Cells)
            {
                builder.Append(' ').Append(Cell(cell)).Append(" |");
            }

            if (row.Usage is { } rowUsage)
            {
                builder.Append(' ').Append(Usage(rowUsage)).Append(" |");
            }

            return builder.Append('\n').ToString();
        }

        var first = true;
        foreach (var cell in row.Present)
        {
            builder.Append(first ? $"| `{PlanText.Id(row.TenantId)}` | {label} |" : "|  |  |")
                .Append(" `").Append(names[cell.Column]).Append("` | ").Append(Cell(cell)).Append(" |");
            if (row.Usage is { } rowUsage)
            {
                builder.Append(' ').Append(first ? Usage(rowUsage) : string.Empty).Append(" |");
            }

            builder.Append('\n');
            first = false;
        }

        if (first && row.Usage is { } only)
        {
            // Usage on a stamp and no cell anywhere: neither desired nor live.
            builder.Append($"| `{PlanText.Id(row.TenantId)}` | {label} |  |  | ").Append(Usage(only)).Append(" |\n");
        }

        return builder.ToString();
    }

    private static string Usage(FleetRowUsage usage) => MarkdownText.EscapeProse(FleetText.Usage(usage));

    private static string Cell(FleetCell cell)
    {
        var text = FleetText.Cell(cell, static id => $"`{PlanText.Id(id)}`");
        return cell.Status == CellStatus.Different ? "\\" + text : text;
    }
}
