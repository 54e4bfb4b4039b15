using TenantReconciler.Cli.Output;
using static TenantReconciler.Tests.Cli.TerminalTestSupport;
using static TenantReconciler.Tests.Rendering.RenderingFixtures;

namespace TenantReconciler.Tests.Cli;

/// <summary>The plan on a terminal: terraform's colours, a summary table, and the very words of the plain plan.</summary>
public sealed class TerminalPlanTests
{
    [Fact]
    public void Render_PlanWithChanges_ColoursAddGreenOverwriteYellowRemoveRed()
    {
        // Arrange
        using var terminal = Terminal();

        // Act
        TerminalPlanRenderer.Render(Representative(), terminal);

        // Assert
        var output = terminal.Output;
        Assert.Contains($"  {Green}+\u001b[0m customerSubscription ", output, StringComparison.Ordinal);
        Assert.Contains($"  {Yellow}~\u001b[0m customerSubscription ", output, StringComparison.Ordinal);
        Assert.Contains($"  {Red}-\u001b[0m customerSubscription ", output, StringComparison.Ordinal);
        Assert.Contains($"    {Yellow}!\u001b[0m usage of tenant ", output, StringComparison.Ordinal);
        Assert.Contains("\u001b[1m# registration reg-stack1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PlanWithChanges_SummaryIsATablePerRegistrationWithATotal()
    {
        // Arrange
        using var terminal = Terminal();
        var plan = Representative();

        // Act
        TerminalPlanRenderer.Render(plan, terminal);

        // Assert
        var lines = StripAnsi(terminal.Output).Split('\n');
        var header = Assert.Single(lines, l => l.Contains("Registration", StringComparison.Ordinal));
        Assert.Matches(@"^│ Registration +│ \+ add │ ~ overwrite │ - remove │ unchanged │$", header.TrimEnd());
        foreach (var registration in plan.Registrations)
        {
            var s = registration.Summary;
            Assert.Single(lines, l => System.Text.RegularExpressions.Regex.IsMatch(
                l, $@"^│ {registration.Registration.Name} +│ +{s.Add} │ +{s.Overwrite} │ +{s.Remove} │ +{s.Unchanged} │"));
        }

        Assert.Single(lines, l => l.StartsWith("│ total ", StringComparison.Ordinal));
        Assert.Contains($"\u001b[1mPlan:\u001b[0m {PlanSummaryLine(plan)}", terminal.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithoutItsEscapesAndTable_IsThePlainPlanWordForWord()
    {
        // Arrange
        using var terminal = Terminal();
        var plan = Representative();
        var plain = Render(new TextPlanRenderer(), plan);

        // Act
        TerminalPlanRenderer.Render(plan, terminal);

        // Assert: the table is the only addition; every other line is the plain one (trailing padding aside).
        var rich = StripAnsi(terminal.Output).Split('\n')
            .Where(l => !l.StartsWith('│') && !l.StartsWith('╭') && !l.StartsWith('├') && !l.StartsWith('╰'))
            .Select(l => l.TrimEnd());
        Assert.Equal(plain.TrimEnd('\n').Split('\n'), rich.SkipLast(1));
    }

    [Fact]
    public void Render_LabelWithAnEscapeAndMarkup_IsPrintedAsTextNeverInterpreted()
    {
        // Arrange: the representative plan labels a tenant "Northwind\u001b[31m red".
        using var terminal = Terminal();

        // Act
        TerminalPlanRenderer.Render(Representative(), terminal);

        // Assert
        Assert.DoesNotContain("\u001b[31m", terminal.Output, StringComparison.Ordinal);
        Assert.Contains("(Northwind\\u001B[31m red)", terminal.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoChanges_GreenNoChangesAndNoTable()
    {
        // Arrange
        using var terminal = Terminal();

        // Act
        TerminalPlanRenderer.Render(NoChanges(), terminal);

        // Assert
        Assert.StartsWith($"\u001b[1;{Green[2..]}No changes.\u001b[0m The live registrations match the desired state.\n", terminal.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("│", terminal.Output, StringComparison.Ordinal);
        Assert.Equal(Render(new TextPlanRenderer(), NoChanges()), StripAnsi(terminal.Output));
    }

    [Fact]
    public void Render_NarrowTerminal_WrapsUnderTheLineIndentation()
    {
        // Arrange
        using var terminal = Terminal(width: 60);

        // Act
        TerminalPlanRenderer.Render(Representative(), terminal);

        // Assert: "    ! usage of tenant ... billed to the registration subscription ..." continues 4 columns in.
        var lines = StripAnsi(terminal.Output).Split('\n');
        var note = Array.FindIndex(lines, l => l.StartsWith("    ! usage of tenant", StringComparison.Ordinal));
        Assert.True(note >= 0, terminal.Output);
        Assert.StartsWith("    ", lines[note + 1], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(l.Length <= 60, l));
    }

    private static string PlanSummaryLine(TenantReconciler.Planning.Plan plan)
    {
        var s = plan.Summary;
        return $"{s.Add} to add, {s.Overwrite} to overwrite, {s.Remove} to remove, {s.Unchanged} unchanged.";
    }
}
