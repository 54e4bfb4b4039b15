using static TenantReconciler.Tests.Planning.PlanningFixtures;
using static TenantReconciler.Tests.Rendering.RenderingFixtures;

namespace TenantReconciler.Tests.Rendering;

public class PlanRendererTests
{
    [Fact]
    public void JsonRender_RepresentativePlan_HasContractFieldsWithIntegerCounts()
    {
        // Arrange
        var plan = Representative();

        // Act
        using var document = JsonDocument.Parse(Render(new JsonPlanRenderer(), plan));

        // Assert
        var root = document.RootElement;
        Assert.Equal("2.0", root.GetProperty("formatVersion").GetString());
        var summary = root.GetProperty("summary");
        Assert.Equal(
            [("add", 1), ("overwrite", 3), ("remove", 2), ("unchanged", 2)],
            summary.EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())));
        Assert.All(summary.EnumerateObject(), p => Assert.Equal(JsonValueKind.Number, p.Value.ValueKind));
        Assert.Equal(plan.Summary, new PlanSummary(
            summary.GetProperty("add").GetInt32(),
            summary.GetProperty("overwrite").GetInt32(),
            summary.GetProperty("remove").GetInt32(),
            summary.GetProperty("unchanged").GetInt32()));

        var registrations = root.GetProperty("registrations").EnumerateArray().ToList();
        Assert.Equal(2, registrations.Count);
        Assert.Equal(
            "/subscriptions/9e000000-0000-0000-0000-000000000001/resourceGroups/rg-azurestack/providers/Microsoft.AzureStack/registrations/reg-stack1",
            registrations[0].GetProperty("id").GetString());
        // Every row, unchanged rows included (as a saved plan records them).
        Assert.Equal(plan.Registrations[0].Changes.Count, registrations[0].GetProperty("changes").GetArrayLength());
        Assert.Equal(1, registrations[1].GetProperty("summary").GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public void JsonRender_Change_WritesEveryFieldInContractOrder()
    {
        // Arrange
        var plan = Planner.Compute(State(DesiredOf()), [LiveOf(Have(S(1), T(1), upperCase: true))]);

        // Act
        using var document = JsonDocument.Parse(Render(new JsonPlanRenderer(), plan));

        // Assert
        var change = Assert.Single(document.RootElement.GetProperty("registrations")[0].GetProperty("changes").EnumerateArray());
        Assert.Equal(
            ["action", "customerSubscriptionId", "customerSubscriptionName", "tenantId", "previousTenantId", "movedFromSubscriptionId", "movedFromSubscriptionName", "label", "billingFallbackTenantId", "billingNote", "usage"],
            change.EnumerateObject().Select(p => p.Name));
        Assert.Equal("remove", change.GetProperty("action").GetString());
        Assert.Equal(S(1).ToString("D"), change.GetProperty("customerSubscriptionId").GetString());
        Assert.Equal(JsonValueKind.Null, change.GetProperty("tenantId").ValueKind);
        Assert.Equal(T(1).ToString("D"), change.GetProperty("previousTenantId").GetString());
        Assert.Contains(T(1).ToString("D"), change.GetProperty("billingNote").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TextRender_LabelWithControlCharacters_PrintsThemEscaped()
    {
        // Arrange
        var plan = Planner.Compute(State(DesiredOf(Want(S(1), T(1), "evil\u001b]0;pwned\u0007\r\nPlan: 0 to add\u202e"))), [LiveOf()]);

        // Act
        var output = Render(new TextPlanRenderer(), plan);

        // Assert
        Assert.DoesNotContain(output, c => char.IsControl(c) && c != '\n');
        Assert.DoesNotContain('\u202e', output);
        Assert.Contains(@"(evil\u001B]0;pwned\u0007\u000D\u000APlan: 0 to add\u202E)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkdownRender_LabelWithMarkup_StaysOneLiteralTableCell()
    {
        // Arrange
        var plan = Planner.Compute(State(DesiredOf(Want(S(1), T(1), "a | b <img src=x> *c*\n| x |"))), [LiveOf()]);

        // Act
        var output = Render(new MarkdownPlanRenderer(), plan);

        // Assert
        var row = Assert.Single(output.Split('\n'), l => l.StartsWith("| ➕", StringComparison.Ordinal));
        Assert.Contains(@"(`a \| b <img src=x> *c*\u000A\| x \|`)", row, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', output);
    }

    [Fact]
    public void TextRender_NoChanges_SaysSoWithTheUnchangedCount()
    {
        // Arrange
        var plan = NoChanges();

        // Act
        var output = Render(new TextPlanRenderer(), plan);

        // Assert
        Assert.StartsWith("No changes. The live registrations match the desired state.\n", output, StringComparison.Ordinal);
        Assert.Contains("2 customer subscriptions unchanged", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Plan:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TextRender_RepresentativePlan_EndsWithSummaryLine()
    {
        // Arrange
        var plan = Representative();

        // Act
        var output = Render(new TextPlanRenderer(), plan);

        // Assert
        Assert.EndsWith("\nPlan: 1 to add, 3 to overwrite, 2 to remove, 2 unchanged.\n", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text", typeof(TextPlanRenderer))]
    [InlineData("json", typeof(JsonPlanRenderer))]
    [InlineData("Markdown", typeof(MarkdownPlanRenderer))]
    public void Get_KnownFormat_ReturnsItsRenderer(string format, Type expected)
    {
        // Act
        var renderer = PlanRenderers.Get(format);

        // Assert
        Assert.IsType(expected, renderer);
        Assert.Equal(format, renderer.Format, ignoreCase: true);
    }

    [Fact]
    public void Get_UnknownFormat_ThrowsListingTheFormats()
    {
        // Act
        var exception = Assert.Throws<ArgumentException>(() => PlanRenderers.Get("yaml"));

        // Assert
        Assert.Contains("text, json, markdown", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["text", "json", "markdown"], PlanRenderers.Formats);
    }
}
