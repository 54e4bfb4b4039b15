using System.Text;
using TenantReconciler.Fleet;

namespace TenantReconciler.Rendering;

/// <summary>
/// The tenant × registration table for a terminal: the summary, the registrations, one aligned row per tenant and one
/// column per registration, then the information flags. Labels are sanitised and cut at <see cref="MaxLabelWidth"/>.
/// </summary>
/// <param name="optionNames">How the host spells the settings the summary names (the CLI's flags; neutral by default).</param>
public sealed class FleetTextRenderer(IOptionNames? optionNames = null) : IFleetRenderer
{
    public const int MaxLabelWidth = 40;

    private const string Gap = "  ";

    private const string UsageHead = "USAGE";

    public string Format => "text";

    public void Render(FleetView view, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(writer);

        var names = FleetText.ColumnNames(view.Registrations);
        writer.Write($"Tenants by registration: {FleetText.Summary(view).Spell(optionNames ?? NeutralOptionNames.Instance)}\n");
        if (FleetText.UsageSummary(view) is { } usageSummary)
        {
            writer.Write($"{usageSummary}\n");
        }

        if (view.IsLive)
        {
            writer.Write($"Legend: {FleetText.Legend}\n");
        }

        if (view.Registrations.Count > 0)
        {
            writer.Write("\nRegistrations:\n");
            var width = names.Max(n => n.Length);
            for (var j = 0; j < names.Length; j++)
            {
                var r = view.Registrations[j];
                writer.Write($"  {names[j].PadRight(width)}{Gap}subscription {PlanText.Id(r.SubscriptionId)}, resource group {r.ResourceGroup}\n");
            }
        }

        if (view.Usage is { } usage)
        {
            writer.Write("\nStamps:\n");
            var width = usage.Stamps.Max(s => names[s.Column].Length);
            foreach (var read in usage.Stamps)
            {
                writer.Write($"  {names[read.Column].PadRight(width)}{Gap}{FleetText.StampRead(read)}\n");
            }
        }

        writer.Write('\n');
        if (view.Rows.Count == 0)
        {
            writer.Write("No tenants.\n");
        }
        else if (FleetText.IsMatrix(view))
        {
            WriteTable(view, names, writer);
        }
        else
        {
            WriteList(view, names, writer);
        }

        if (view.Flags.Count > 0)
        {
            var byRef = FleetText.NamesOf(view.Registrations);
            writer.Write("\nInformation:\n");
            foreach (var flag in view.Flags)
            {
                writer.Write($"  * {FleetText.Message(flag, byRef)}\n");
            }
        }
    }

    private static void WriteTable(FleetView view, string[] names, TextWriter writer)
    {
        var usage = view.Usage is not null;
        var columns = names.Length + (usage ? 1 : 0);
        var labels = new string[view.Rows.Count];
        var cells = new string[view.Rows.Count][];
        var labelWidth = "LABEL".Length;
        string[] heads = usage ? [.. names, UsageHead] : names;
        var widths = heads.Select(n => n.Length).ToArray();
        for (var i = 0; i < view.Rows.Count; i++)
        {
            var row = view.Rows[i];
            labels[i] = Label(row.Label);
            labelWidth = Math.Max(labelWidth, labels[i].Length);
            cells[i] = new string[columns];
            for (var j = 0; j < names.Length; j++)
            {
                var text = FleetText.Cell(row.Cells[j], PlanText.Id);
                cells[i][j] = text;
                widths[j] = Math.Max(widths[j], text.Length);
            }

            if (usage)
            {
                cells[i][^1] = row.Usage is { } rowUsage ? FleetText.Usage(rowUsage) : string.Empty;
            }
        }

        var line = new StringBuilder(256);
        WriteLine(writer, line, "TENANT", "LABEL", labelWidth, heads, widths);
        for (var i = 0; i < view.Rows.Count; i++)
        {
            WriteLine(writer, line, PlanText.Id(view.Rows[i].TenantId), labels[i], labelWidth, cells[i], widths);
        }
    }

    /// <summary>
    /// Past <see cref="FleetText.MatrixColumns"/> registrations, one line per cell that exists (tenant and label on its
    /// first line only): the output is as long as the fleet's mappings, never tenants × registrations.
    /// </summary>
    private static void WriteList(FleetView view, string[] names, TextWriter writer)
    {
        var labelWidth = "LABEL".Length;
        var nameWidth = "REGISTRATION".Length;
        foreach (var row in view.Rows)
        {
            labelWidth = Math.Max(labelWidth, Label(row.Label).Length);
            foreach (var cell in row.Present)
            {
                nameWidth = Math.Max(nameWidth, names[cell.Column].Length);
            }
        }

        var usage = view.Usage is not null;
        var cellWidth = usage ? Math.Max("CELL".Length, view.Rows.SelectMany(r => r.Present).Select(c => FleetText.Cell(c, PlanText.Id).Length).DefaultIfEmpty(0).Max()) : 0;
        int[] widths = usage ? [nameWidth, cellWidth, 0] : [nameWidth, 0];
        var line = new StringBuilder(256);
        WriteLine(writer, line, "TENANT", "LABEL", labelWidth, usage ? ["REGISTRATION", "CELL", UsageHead] : ["REGISTRATION", "CELL"], widths);
        foreach (var row in view.Rows)
        {
            var first = true;
            var rowUsage = row.Usage is { } known ? FleetText.Usage(known) : string.Empty;
            foreach (var cell in row.Present)
            {
                WriteLine(
                    writer,
                    line,
                    first ? PlanText.Id(row.TenantId) : string.Empty,
                    first ? Label(row.Label) : string.Empty,
                    labelWidth,
                    usage ? [names[cell.Column], FleetText.Cell(cell, PlanText.Id), first ? rowUsage : string.Empty] : [names[cell.Column], FleetText.Cell(cell, PlanText.Id)],
                    widths);
                first = false;
            }

            if (first && usage)
            {
                // A tenant with usage on a stamp and no cell anywhere: neither desired nor live (billed to the registration subscription).
                WriteLine(writer, line, PlanText.Id(row.TenantId), Label(row.Label), labelWidth, [string.Empty, string.Empty, rowUsage], widths);
            }
        }
    }

    private static void WriteLine(TextWriter writer, StringBuilder line, string tenant, string label, int labelWidth, string[] cells, int[] widths)
    {
        line.Clear().Append(tenant.PadRight(36)).Append(Gap).Append(label.PadRight(labelWidth));
        for (var j = 0; j < cells.Length; j++)
        {
            line.Append(Gap).Append(cells[j].PadRight(widths[j]));
        }

        var end = line.Length;
        while (end > 0 && line[end - 1] == ' ')
        {
            end--;
        }

        line.Length = end;
        writer.Write(line.Append('\n'));
    }

    private static string Label(string? label)
    {
        if (label is null)
        {
            return string.Empty;
        }

        var text = OutsideText.Sanitize(label);
        if (text.Length <= MaxLabelWidth)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[MaxLabelWidth - 2]) ? MaxLabelWidth - 2 : MaxLabelWidth - 1;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
