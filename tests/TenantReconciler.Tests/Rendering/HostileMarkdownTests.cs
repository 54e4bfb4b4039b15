using TenantReconciler.Fleet;
using static TenantReconciler.Tests.Fleet.FleetFixtures;
using static TenantReconciler.Tests.Planning.PlanningFixtures;

namespace TenantReconciler.Tests.Rendering;

/// <summary>
/// Issue 15, items 5 and 6: what a pull request writes into a label cannot hide a removal from the plan comment (or a
/// drift row from the tenants view), and cannot be a live mention or link in either markdown.
/// </summary>
public sealed partial class HostileMarkdownTests
{
    private static readonly string LongLabel = new('A', 59_000);

    [Fact]
    public void PlanMarkdown_A59000CharacterLabelOnTheFirstAdd_TheRemovalIsStillListedAndTheLabelIsCapped()
    {
        // Arrange: on 9aa6160 this comment said "0 of 2 changes": the removal was counted, never listed.
        var plan = Planner.Compute(State(DesiredOf(Want(S(1), T(1), LongLabel))), [LiveOf(Have(S(2), T(2)))]);

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan);

        // Assert
        Assert.True(output.Length < MarkdownPlanRenderer.DefaultCharacterLimit);
        Assert.Contains($"| ➖ remove | `{S(2):D}` |", output, StringComparison.Ordinal);
        Assert.Contains($"| ➕ add | `{S(1):D}` |", output, StringComparison.Ordinal);
        Assert.Contains($"(`{new string('A', MarkdownText.MaxLabelLength - 1)}…`)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("This comment shows", output, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanMarkdown_RemovalsThatFitOnlyShortened_EveryOneIsListedShortAndNoneSkipped()
    {
        // Arrange: 150 removals and 150 overwrites with long labels: too long for a 60,000-character comment in full, and 5,000 adds.
        var adds = Enumerable.Range(0, 5_000).Select(i => Want(S(i), T(i), "Customer " + i.ToString(CultureInfo.InvariantCulture)));
        var kept = Enumerable.Range(10_000, 150).Select(i => Want(S(i), T(i), new string('L', 150)));
        var plan = Planner.Compute(
            State(DesiredOf([.. adds, .. kept])),
            [LiveOf([.. Enumerable.Range(20_000, 150).Select(i => Have(S(i), T(i))), .. Enumerable.Range(10_000, 150).Select(i => Have(S(i), T(i + 50_000)))])]);

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan);

        // Assert
        Assert.True(output.Length < MarkdownPlanRenderer.DefaultCharacterLimit);
        Assert.Equal(150, Regex.Count(output, "^\\| ➖ remove ", RegexOptions.Multiline));
        Assert.Equal(150, Regex.Count(output, "^\\| 🔁 overwrite ", RegexOptions.Multiline));
        Assert.DoesNotContain(new string('L', 150), output, StringComparison.Ordinal);
        Assert.Contains("Every removal and every overwrite is listed; only adds are folded.", output, StringComparison.Ordinal);
        Assert.Contains(" more changes (all adds): see the JSON plan artifact.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TenantsMarkdown_ALongLabelSortedFirst_EveryDriftRowIsStillListed()
    {
        // Arrange: 400 tenants with long labels in place, then one tenant live where it is not desired.
        var desired = State(DesiredOf(East, [.. Enumerable.Range(0, 400).Select(i => Want(S(i), T(i), "A" + new string('x', 300) + i.ToString("D3", CultureInfo.InvariantCulture)))]));
        var live = LiveOf(East, [.. Enumerable.Range(0, 400).Select(i => Have(S(i), T(i))), Have(S(999), T(999))]);
        var view = FleetViewBuilder.Build(desired, [live]);

        // Act
        var output = Render(new FleetMarkdownRenderer(), view);

        // Assert
        Assert.True(output.Length < FleetMarkdownRenderer.DefaultCharacterLimit);
        Assert.Contains($"| `{T(999):D}` |  | − `{S(999):D}` |", output, StringComparison.Ordinal);
        Assert.Contains("more tenants (none with drift: every ~ and − row is listed)", output, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', MarkdownText.MaxLabelLength), output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("@octocat")]
    [InlineData("@org/team")]
    [InlineData("http://evil.example/login")]
    [InlineData("www.evil.example")]
    [InlineData("contact admin@evil.example")]
    [InlineData("[click](http://evil.example)")]
    [InlineData("`@octocat` `` ` ``")]
    public void PlanAndTenantsMarkdown_ALabelThatIsAMentionOrALink_OnlyInsideACodeSpan(string label)
    {
        // Arrange: on 9aa6160 "\@user" was still a mention on GitHub (github/markup#1168), and the tenants notes left it raw.
        var plan = Planner.Compute(State(DesiredOf(Want(S(1), T(1), label))), [LiveOf()]);
        var desired = State(DesiredOf(East, Want(S(1), T(1), label)), DesiredOf(West, Want(S(2), T(1), "Contoso")));
        var view = FleetViewBuilder.Build(desired, null);

        // Act
        var outputs = new[] { Render(new MarkdownPlanRenderer(), plan), Render(new FleetMarkdownRenderer(), view) };

        // Assert: outside code spans, nothing GitHub would turn into a mention or a link.
        Assert.All(outputs, output =>
        {
            var prose = WithoutCodeSpans(output);
            Assert.DoesNotMatch("@[A-Za-z0-9]", prose);
            Assert.DoesNotContain("http", prose, StringComparison.Ordinal);
            Assert.DoesNotContain("www.", prose, StringComparison.Ordinal);
            Assert.DoesNotContain("](", prose, StringComparison.Ordinal);
        });
        Assert.Contains("has different labels", outputs[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "`plain`")]
    [InlineData("a`b", "``a`b``")]
    [InlineData("`start", "`` `start ``")]
    [InlineData("a|b", "`a\\|b`")]
    public void Code_AnyText_OneLiteralSpan(string value, string expected) => Assert.Equal(expected, MarkdownText.Code(value));

    /// <summary>The markdown with every code span (a run of backticks, then up to the same run) taken out.</summary>
    private static string WithoutCodeSpans(string markdown) => CodeSpan().Replace(markdown, " ");

    [GeneratedRegex("(`+)(?:(?!\\1).)*?\\1", RegexOptions.Singleline)]
    private static partial Regex CodeSpan();

    private static string Render(IPlanRenderer renderer, Plan plan)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        renderer.Render(plan, writer);
        return writer.ToString();
    }

    private static string Render(IFleetRenderer renderer, FleetView view)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        renderer.Render(view, writer);
        return writer.ToString();
    }
}
