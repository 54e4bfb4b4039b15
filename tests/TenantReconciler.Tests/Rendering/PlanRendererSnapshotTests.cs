using Snapshooter.Xunit;
using static TenantReconciler.Tests.Rendering.RenderingFixtures;

namespace TenantReconciler.Tests.Rendering;

public class PlanRendererSnapshotTests
{
    [Fact]
    public void TextRender_RepresentativePlan_MatchesSnapshot()
    {
        // Arrange
        var plan = Representative();

        // Act
        var output = Render(new TextPlanRenderer(), plan);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void TextRender_NoChanges_MatchesSnapshot()
    {
        // Arrange
        var plan = NoChanges();

        // Act
        var output = Render(new TextPlanRenderer(), plan);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void JsonRender_RepresentativePlan_MatchesSnapshot()
    {
        // Arrange
        var plan = Representative();

        // Act
        var output = Render(new JsonPlanRenderer(), plan);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void JsonRender_NoChanges_MatchesSnapshot()
    {
        // Arrange
        var plan = NoChanges();

        // Act
        var output = Render(new JsonPlanRenderer(), plan);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void MarkdownRender_RepresentativePlan_MatchesSnapshot()
    {
        // Arrange
        var plan = Representative();

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void MarkdownRender_NoChanges_MatchesSnapshot()
    {
        // Arrange
        var plan = NoChanges();

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void MarkdownRender_OneChange_MatchesSnapshot()
    {
        // Arrange
        var plan = OneChange();

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void MarkdownRender_RepresentativePlanWithWarnings_MatchesSnapshot()
    {
        // Arrange
        var plan = Representative();
        var warnings = RepresentativeWarnings(plan);

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan, warnings);

        // Assert
        Assert.Equal(2, warnings.Count);
        Snapshot.Match(output);
    }

    [Fact]
    public void MarkdownRender_FiftyThousandChangesInThreeRegistrations_MatchesSnapshotUnderTheLimit()
    {
        // Arrange
        var (plan, warnings) = FiftyThousand();

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan, warnings);

        // Assert
        Assert.True(output.Length < 60_000, $"The comment is {output.Length} characters long.");
        Assert.StartsWith(MarkdownPlanRenderer.Marker + "\n", output, StringComparison.Ordinal);
        Assert.Contains("| 20,000 | 15,000 | 15,000 | 10 | 30,000 | 3 of 3 |\n", output, StringComparison.Ordinal);
        Snapshot.Match(output);
    }
}
