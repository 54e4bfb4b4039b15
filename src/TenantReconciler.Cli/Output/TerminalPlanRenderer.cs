using System.Globalization;
using Spectre.Console;
using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// The text plan on a terminal, coloured as terraform's: <c>+</c> green, <c>~</c> yellow, <c>-</c> red, billing notes
/// yellow, registration headers bold, and the summary as a table. It colours the very lines of
/// <see cref="TextPlanRenderer"/>, so the words never drift from the plain output that scripts and snapshots read.
/// </summary>
public static class TerminalPlanRenderer
{
    private const string SummaryPrefix = "Plan: ";
    private const string NoChangesPrefix = "No changes.";

    public static void Render(Plan plan, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(console);

        using var plain = new StringWriter(CultureInfo.InvariantCulture);
        new TextPlanRenderer().Render(plan, plain);
        foreach (var line in plain.ToString().TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith(SummaryPrefix, StringComparison.Ordinal))
            {
                console.Write(SummaryTable(plan));
                console.MarkupLine($"[bold]Plan:[/] {Markup.Escape(line[SummaryPrefix.Length..])}");
            }
            else if (line.Length - line.TrimStart(' ').Length is var indent and > 0)
            {
                // A line too wide for the terminal wraps under its own indentation, not at the left margin.
                console.Write(new Padder(new Markup(Colour(line[indent..])), new Padding(indent, 0, 0, 0)));
            }
            else
            {
                console.MarkupLine(Colour(line));
            }
        }
    }

    /// <summary>The markup of one line of the plain plan, without its indentation (already sanitised: only escaped for markup here).</summary>
    internal static string Colour(string line)
    {
        if (line.StartsWith(NoChangesPrefix, StringComparison.Ordinal))
        {
            return $"[green bold]{NoChangesPrefix}[/]{Markup.Escape(line[NoChangesPrefix.Length..])}";
        }

        if (line.StartsWith("# ", StringComparison.Ordinal))
        {
            return $"[bold]{Markup.Escape(line)}[/]";
        }

        if (line.Length > 1 && line[1] == ' ' && ColourOf(line[0]) is { } colour)
        {
            return $"[{colour}]{Markup.Escape(line[..1])}[/]{Markup.Escape(line[1..])}";
        }

        return Markup.Escape(line);
    }

    private static string? ColourOf(char symbol) => symbol switch
    {
        '+' => "green",
        '~' => "yellow",
        '-' => "red",
        '!' => "yellow",
        _ => null,
    };

    private static Table SummaryTable(Plan plan)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .AddColumn("Registration")
            .AddColumn(new TableColumn("[green]+ add[/]").RightAligned())
            .AddColumn(new TableColumn("[yellow]~ overwrite[/]").RightAligned())
            .AddColumn(new TableColumn("[red]- remove[/]").RightAligned())
            .AddColumn(new TableColumn("unchanged").RightAligned());
        foreach (var registration in plan.Registrations)
        {
            AddRow(table, Markup.Escape(registration.Registration.Name), registration.Summary);
        }

        if (plan.Registrations.Count > 1)
        {
            AddRow(table, "[bold]total[/]", plan.Summary);
        }

        return table;
    }

    private static void AddRow(Table table, string name, PlanSummary summary) => table.AddRow(
        name,
        Count(summary.Add, "green"),
        Count(summary.Overwrite, "yellow"),
        Count(summary.Remove, "red"),
        summary.Unchanged.ToString(CultureInfo.InvariantCulture));

    private static string Count(int count, string colour) =>
        count == 0 ? "0" : $"[{colour}]{count.ToString(CultureInfo.InvariantCulture)}[/]";
}
