using Snapshooter.Xunit;
using TenantReconciler.Fleet;
using static TenantReconciler.Tests.Fleet.FleetFixtures;
using static TenantReconciler.Tests.Planning.PlanningFixtures;

namespace TenantReconciler.Tests.Fleet;

public class FleetRendererSnapshotTests
{
    [Fact]
    public void TextRender_LiveWithEveryStatusAndBothFlags_MatchesSnapshot()
    {
        // Arrange
        var view = FleetViewBuilder.Build(FleetDesired(), FleetLive());

        // Act
        var output = Render(new FleetTextRenderer(), view);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void TextRender_DesiredOnly_MatchesSnapshot()
    {
        // Arrange
        var view = FleetViewBuilder.Build(FleetDesired(), live: null);

        // Act
        var output = Render(new FleetTextRenderer(global::TenantReconciler.Cli.Commands.Options.OptionNames.Instance), view);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void JsonRender_LiveWithEveryStatusAndBothFlags_MatchesSnapshot()
    {
        // Arrange
        var view = FleetViewBuilder.Build(FleetDesired(), FleetLive());

        // Act
        var output = Render(new FleetJsonRenderer(), view);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void JsonRender_DesiredOnly_MatchesSnapshot()
    {
        // Arrange
        var view = FleetViewBuilder.Build(FleetDesired(), live: null);

        // Act
        var output = Render(new FleetJsonRenderer(), view);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void MarkdownRender_LiveWithEveryStatusAndBothFlags_MatchesSnapshot()
    {
        // Arrange
        var view = FleetViewBuilder.Build(FleetDesired(), FleetLive());

        // Act
        var output = Render(new FleetMarkdownRenderer(), view);

        // Assert
        Snapshot.Match(output);
    }

    [Fact]
    public void MarkdownRender_TenThousandTenants_FoldsRowsUnderTheLimit()
    {
        // Arrange
        var desired = State(DesiredOf(East, Enumerable.Range(0, 10_000).Select(i => Want(S(i), T(i), $"tenant {i:D5}")).ToArray()));
        var view = FleetViewBuilder.Build(desired, [LiveOf(East)]);

        // Act
        var output = Render(new FleetMarkdownRenderer(), view);

        // Assert
        Assert.True(output.Length < FleetMarkdownRenderer.DefaultCharacterLimit, $"The markdown is {output.Length} characters long.");
        Assert.StartsWith(FleetMarkdownRenderer.Marker + "\n", output, StringComparison.Ordinal);
        Assert.Contains("10000 tenants in 1 registration", output, StringComparison.Ordinal);
        Assert.Matches(@"\n… \d+ more tenants \(none with drift: every ~ and − row is listed\), to stay within GitHub's comment limit", output);
    }

    [Fact]
    public void TextRender_NoTenants_SaysSo()
    {
        // Arrange
        var view = FleetViewBuilder.Build(State(DesiredOf(East)), [LiveOf(East)]);

        // Act
        var output = Render(new FleetTextRenderer(), view);

        // Assert
        Assert.Contains("\nNo tenants.\n", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text", typeof(FleetTextRenderer))]
    [InlineData("JSON", typeof(FleetJsonRenderer))]
    [InlineData("markdown", typeof(FleetMarkdownRenderer))]
    public void Get_KnownFormat_ReturnsItsRenderer(string format, Type expected)
    {
        // Act
        var renderer = FleetRenderers.Get(format);

        // Assert
        Assert.IsType(expected, renderer);
    }

    private static string Render(IFleetRenderer renderer, FleetView view)
    {
        using var writer = new StringWriter();
        renderer.Render(view, writer);
        return writer.ToString();
    }
}
