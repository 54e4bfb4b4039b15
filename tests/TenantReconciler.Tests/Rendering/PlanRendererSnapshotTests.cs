using Snapshooter.Xunit;
using TenantReconciler.Rendering;
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
}
