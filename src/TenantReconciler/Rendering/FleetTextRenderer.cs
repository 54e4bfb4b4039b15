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

    public string Format => "text";

    public void Render(FleetView view, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(writer);

        var names = FleetText.ColumnNames(view.Registrations);
        writer.Write($"Tenants by registration: {FleetText.Summary(view).Spell(optionNames ?? NeutralOptionNames.Instance)}\n");
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
        var columns = names.Length;
        var labels = new string[view.Rows.Count];
        var cells = new string[view.Rows.Count][];
        var labelWidth = "LABEL".Length;
        var widths = names.Select(n => n.Length).ToArray();
        for (var i = 0; i < view.Rows.Count; i++)
        {
            var row = view.Rows[i];
            labels[i] = Label(row.Label);
            labelWidth = Math.Max(labelWidth, labels[i].Length);
            cells[i] = new string[columns];
            for (var j = 0; j < columns; j++)
            {
                var text = FleetText.Cell(row.Cells[j], PlanText.Id);
                cells[i][j] = text;
                widths[j] = Math.Max(widths[j], text.Length);
            }
        }

        var line = new StringBuilder(256);
        WriteLine(writer, line, "TENANT", "LABEL", labelWidth, names, widths);
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

        var line = new StringBuilder(256);
        WriteLine(writer, line, "TENANT", "LABEL", labelWidth, ["REGISTRATION", "CELL"], [nameWidth, 0]);
        foreach (var row in view.Rows)
        {
            var first = true;
            foreach (var cell in row.Present)
            {
                WriteLine(
                    writer,
                    line,
                    first ? PlanText.Id(row.TenantId) : string.Empty,
                    first ? Label(row.Label) : string.Empty,
                    labelWidth,
                    [names[cell.Column], FleetText.Cell(cell, PlanText.Id)],
                    [nameWidth, 0]);
                first = false;
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
