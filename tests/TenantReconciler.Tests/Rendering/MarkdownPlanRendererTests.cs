using static TenantReconciler.Tests.Planning.PlanningFixtures;
using static TenantReconciler.Tests.Rendering.RenderingFixtures;

namespace TenantReconciler.Tests.Rendering;

public partial class MarkdownPlanRendererTests
{
    private const string Summary = "| 20,000 | 15,000 | 15,000 | 10 | 30,000 | 3 of 3 |\n";

    [Fact]
    public void Render_FiftyThousandChanges_EveryWarningIsWholeAndEveryChangeIsShownOrCounted()
    {
        // Arrange
        var (plan, warnings) = FiftyThousand();

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan, warnings);

        // Assert
        Assert.Equal([PruneGuards.EmptyRegistration, PruneGuards.RemovalThreshold, PruneGuards.RemovalThreshold], warnings.Select(w => w.Guard));
        Assert.All(warnings, w => Assert.Contains(MarkdownText.Warning(w), output, StringComparison.Ordinal));
        Assert.Equal(50_000, Rows(output) + Folded(output));
        Assert.Equal(3, Regex.Count(output, "^<details>$", RegexOptions.Multiline));
        Assert.Contains("\n… ", output, StringComparison.Ordinal);
        Assert.Contains(" more changes (all removals or overwrites): see the JSON plan artifact.\n", output, StringComparison.Ordinal);
        Assert.Contains("**Not every removal and overwrite could be listed**", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_FiftyThousandChanges_RemovalsAndOverwritesFirstSharedBetweenTheRegistrations()
    {
        // Arrange: 20,000 adds on stack 1, 15,000 removals on stack 2, 15,000 overwrites on stack 3: more than any
        // comment holds, so the removals and overwrites are shortened and shared, and the adds wait behind them.
        var (plan, warnings) = FiftyThousand();

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan, warnings);

        // Assert
        var blocks = output.Split("<details>")[1..];
        Assert.Equal(3, blocks.Length);
        var rows = blocks.Select(Rows).ToArray();
        Assert.Equal(0, rows[0]);
        Assert.All(rows[1..], r => Assert.True(r > 50, $"only {r} rows"));
        Assert.True(Math.Abs(rows[1] - rows[2]) <= 1, string.Join(", ", rows));
        Assert.Contains("\n… 20,000 more changes (all adds): see the JSON plan artifact.\n", blocks[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2_000)]
    [InlineData(5_000)]
    [InlineData(20_001)]
    [InlineData(65_535)]
    public void Render_AnyLimit_StaysUnderItWithTheSummaryIntact(int limit)
    {
        // Arrange
        var (plan, warnings) = FiftyThousand();

        // Act
        var output = Render(new MarkdownPlanRenderer(limit), plan, warnings);

        // Assert
        Assert.True(output.Length < limit, $"{output.Length} >= {limit}");
        Assert.Contains(Summary, output, StringComparison.Ordinal);
        Assert.Equal(50_000, Rows(output) + Folded(output));
    }

    [Fact]
    public void Render_ManyRegistrations_FoldsTheLastOnesWhole()
    {
        // Arrange: 400 registrations, each adding one mapping.
        var registrations = Enumerable.Range(1, 400)
            .Select(i => new RegistrationRef(Registration.SubscriptionId, "rg", string.Create(CultureInfo.InvariantCulture, $"reg-{i:D3}")))
            .ToArray();
        var plan = Planner.Compute(
            State([.. registrations.Select((r, i) => DesiredOf(r, Want(S(i), T(i))))]),
            [.. registrations.Select(r => LiveOf(r))]);

        // Act
        var output = Render(new MarkdownPlanRenderer(20_000), plan);

        // Assert
        Assert.True(output.Length < 20_000);
        var shown = Regex.Count(output, "^<details>$", RegexOptions.Multiline);
        Assert.InRange(shown, 10, 399);
        Assert.Contains($"\n… {400 - shown} more registrations with {400 - shown} more changes (all adds): see the JSON plan artifact.\n", output, StringComparison.Ordinal);
        Assert.Contains("<code>reg-001</code>", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<code>reg-400</code>", output, StringComparison.Ordinal);
        Assert.Equal(400, Rows(output) + Folded(output));
    }

    [Fact]
    public void Render_WarningsAloneOverTheLimit_ShowsWholeWarningsAndCountsTheRest()
    {
        // Arrange: 2,000 protected tenants, each removed.
        var mappings = Enumerable.Range(1, 2_000).Select(i => Have(S(i), T(i))).ToArray();
        var desired = State(DesiredOf(Registration)) with { Protect = [.. mappings.Select(m => m.TenantId)] };
        var plan = Planner.Compute(desired, [LiveOf(Registration, mappings)]);
        var warnings = PruneGuards.Evaluate(plan, desired, new GuardOverrides());

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan, warnings);

        // Assert
        Assert.True(output.Length < 60_000);
        Assert.Equal(2_002, warnings.Count);
        Assert.Contains(MarkdownText.Warning(warnings[0]), output, StringComparison.Ordinal);
        var shown = warnings.Count(w => output.Contains(MarkdownText.Warning(w), StringComparison.Ordinal));
        Assert.True(shown > 100);
        Assert.Contains($"> - … {warnings.Count - shown:N0} more guard warnings: see the log of the plan run (stderr), which lists every one.\n", output, StringComparison.Ordinal);
        Assert.Contains("| 0 | 0 | 2,000 | 0 | 2,000 | 1 of 1 |\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RepresentativePlan_EveryDroppedMappingHasItsBillingImpactNote()
    {
        // Arrange
        var plan = Representative();
        var billed = plan.Registrations.SelectMany(r => r.PendingChanges).Where(c => c.BillingFallbackTenantId is not null).ToList();

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan);

        // Assert
        Assert.Equal(4, billed.Count);
        Assert.All(billed, c => Assert.Contains($"⚠️ `{c.BillingFallbackTenantId:D}` billed to the registration subscription |", output, StringComparison.Ordinal));
        Assert.All(plan.Registrations.SelectMany(r => r.PendingChanges).Where(c => c.Action == ChangeAction.Remove), c => Assert.NotNull(c.BillingFallbackTenantId));
    }

    [Fact]
    public void Render_TwoHundredThousandRemovals_StaysUnderTheLimit()
    {
        // Arrange: four times the snapshot plan; rendering is linear and builds only the rows it shows.
        var mappings = Enumerable.Range(1, 200_000).Select(i => Have(S(i), T(i))).ToArray();
        var plan = Planner.Compute(State(DesiredOf(Registration)), [LiveOf(Registration, mappings)]);
        using var writer = new CountingWriter();

        // Act
        new MarkdownPlanRenderer().Render(plan, writer);

        // Assert
        Assert.InRange(writer.Written, 50_000, 59_999);
    }

    [Fact]
    public void Warning_MessageWithMarkup_StaysLiteralAndOnOneLine()
    {
        // Arrange
        var warning = new GuardViolation("g", null, 1, "a <img src=x> *b* [c](d) | e `f`\n# g", "pass --x");

        // Act
        var line = MarkdownText.Warning(warning);

        // Assert
        Assert.Equal("> - g: a \\<img src=x\\> \\*b\\* \\[c\\](d) \\| e \\`f\\`\\\\u000A\\# g To proceed, pass --x.\n", line);
    }

    [Fact]
    public void Constructor_LimitBelowTheMinimum_Throws()
    {
        // Act + Assert
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarkdownPlanRenderer(MarkdownPlanRenderer.MinimumCharacterLimit - 1));
    }

    private static int Rows(string output) => Regex.Count(output, "^\\| (➕|🔁|➖) ", RegexOptions.Multiline);

    private static int Folded(string output) =>
        FoldedCount().Matches(output).Sum(m => int.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));

    [GeneratedRegex("^… (?:[0-9,]+ more registrations? with )?([0-9,]+) more changes?(?: \\([^)]*\\))?: see the JSON plan artifact\\.$", RegexOptions.Multiline)]
    private static partial Regex FoldedCount();

    private sealed class CountingWriter : StringWriter
    {
        public int Written { get; private set; }

        public override void Write(string? value) => Written += value?.Length ?? 0;

        public override void Write(char value) => Written++;
    }
}
