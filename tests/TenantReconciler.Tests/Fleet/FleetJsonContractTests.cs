using TenantReconciler.Fleet;
using static TenantReconciler.Tests.Fleet.FleetFixtures;

namespace TenantReconciler.Tests.Fleet;

/// <summary>The JSON contract in docs/tenants-view.md is what the renderer writes.</summary>
public class FleetJsonContractTests
{
    [Fact]
    public void JsonRender_DocExample_IsTheExampleInTheDocs()
    {
        // Arrange
        var (desired, live) = DocExample();
        var doc = File.ReadAllText(RepoFiles.Path("docs/tenants-view.md")).ReplaceLineEndings("\n");
        var example = Regex.Match(doc, "<!-- example:json -->\n```json\n(.*?)```", RegexOptions.Singleline);

        // Act
        using var writer = new StringWriter();
        new FleetJsonRenderer().Render(FleetViewBuilder.Build(desired, live), writer);

        // Assert
        Assert.True(example.Success, "docs/tenants-view.md has no '<!-- example:json -->' block.");
        Assert.Equal(example.Groups[1].Value, writer.ToString());
    }
}
