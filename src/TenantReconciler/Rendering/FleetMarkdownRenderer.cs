using System.Text;
using TenantReconciler.Fleet;

namespace TenantReconciler.Rendering;

/// <summary>
/// The tenant × registration view as GitHub markdown (a wiki page, an issue or a pull-request comment): a hidden marker,
/// the summary, the information flags in a note, then one table row per tenant and one column per registration. The
/// output stays shorter than the character limit: past it, the last flags, then the last rows, are folded into a count
/// that points to <c>-o json</c>. The summary is never cut. Labels are escaped so that they stay plain text.
/// </summary>
public sealed class FleetMarkdownRenderer : IFleetRenderer
{
    public const string Marker = "<!-- tenant-reconciler:tenants -->";

    /// <summary>As the plan comment: room below GitHub's 65,535 for a CI step to add a line or two.</summary>
    public const int DefaultCharacterLimit = 60_000;

    public const int MinimumCharacterLimit = 2_000;

    private readonly int _characterLimit;

    public FleetMarkdownRenderer()
        : this(DefaultCharacterLimit)
    {
    }

    /// <param name="characterLimit">The output is shorter than this, counted in UTF-16 code units (string length),
    /// unless the summary and the table head alone are longer.</param>
    public FleetMarkdownRenderer(int characterLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(characterLimit, MinimumCharacterLimit);
        _characterLimit = characterLimit;
    }

    public string Format => "markdown";

    public void Render(FleetView view, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(writer);

        var head = $"{Marker}\n### Tenants by registration\n\n{MarkdownText.EscapeProse(FleetText.Summary(view))}\n";
        var legend = view.IsLive ? $"\nLegend: {MarkdownText.EscapeProse(FleetText.Legend)}.\n" : string.Empty;
        var tableHead = TableHead(view);
        var moreReserve = MoreFlags(int.MaxValue).Length + MoreTenants(int.MaxValue).Length;
        var budget = _characterLimit - 1 - head.Length - legend.Length - tableHead.Length - moreReserve - FlagsHeader.Length;

        var flags = new StringBuilder();
        var names = FleetText.NamesOf(view.Registrations);
        var shownFlags = 0;
        foreach (var flag in view.Flags)
        {
            var line = $"> - {MarkdownText.EscapeProse(FleetText.Message(flag, names))}\n";
            if (line.Length > budget)
            {
                break;
            }

            budget -= line.Length;
            flags.Append(line);
            shownFlags++;
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
            var shown = 0;
            foreach (var row in view.Rows)
            {
                var line = Row(row);
                if (line.Length > budget)
                {
                    break;
                }

                budget -= line.Length;
                writer.Write(line);
                shown++;
            }

            if (shown < view.Rows.Count)
            {
                writer.Write(MoreTenants(view.Rows.Count - shown));
            }
        }

        writer.Write(legend);
    }

    private const string FlagsHeader = "\n> [!NOTE]\n> **For information** (nothing is wrong with the desired state because of these):\n";

    private static string MoreFlags(int count) => $"> - … {FleetText.Plural(count, "more item", "more items")}: see `tenant-reconciler tenants -o json`.\n";

    private static string MoreTenants(int count) =>
        $"\n… {FleetText.Plural(count, "more tenant", "more tenants")}, to stay within GitHub's comment limit: see `tenant-reconciler tenants -o json`.\n";

    private static string TableHead(FleetView view)
    {
        var names = FleetText.ColumnNames(view.Registrations);
        var builder = new StringBuilder("| Tenant | Label |");
        foreach (var name in names)
        {
            builder.Append(" `").Append(name).Append("` |");
        }

        builder.Append("\n| --- | --- |");
        foreach (var _ in names)
        {
            builder.Append(" --- |");
        }

        return builder.Append('\n').ToString();
    }

    private static string Row(FleetRow row)
    {
        var builder = new StringBuilder(64 + (row.Cells.Count * 48))
            .Append("| `").Append(PlanText.Id(row.TenantId)).Append("` | ")
            .Append(row.Label is null ? string.Empty : MarkdownText.Escape(row.Label)).Append(" |");
        foreach (var cell in row.Cells)
        {
            var text = FleetText.Cell(cell, static id => $"`{PlanText.Id(id)}`");
            builder.Append(' ').Append(cell.Status == CellStatus.Different ? "\\" + text : text).Append(" |");
        }

        return builder.Append('\n').ToString();
    }
}
