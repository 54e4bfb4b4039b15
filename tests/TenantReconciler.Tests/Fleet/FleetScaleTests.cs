using TenantReconciler.Fleet;
using static TenantReconciler.Tests.Planning.PlanningFixtures;

namespace TenantReconciler.Tests.Fleet;

/// <summary>
/// Issue 15, item 9: the tenants view is linear in tenants plus the cells that exist. On 9aa6160, 3,000 registrations
/// of one tenant each were 9,000,000 cells: <c>tenants -o json</c> allocated 3.7 GB and died with exit 70. Sizes here
/// are counts and lengths, never times; the memory figures are in the benchmark (README).
/// </summary>
public sealed class FleetScaleTests
{
    private const int Registrations = 3_000;

    [Fact]
    public void Build_3000RegistrationsOfOneTenantEach_3000CellsNot9Million()
    {
        // Arrange
        var desired = OneTenantEach();

        // Act
        var view = FleetViewBuilder.Build(desired, null);

        // Assert
        Assert.Equal(Registrations, view.Rows.Count);
        Assert.Equal(Registrations, view.Rows.Sum(r => r.Present.Count));
        Assert.Equal(Registrations, view.Summary.Desired);
        Assert.Equal(Registrations, view.Rows[0].Cells.Count);
        Assert.Single(view.Rows[0].Present);
        Assert.Equal(1, view.Rows[0].Cells.Count(c => !c.IsEmpty));
    }

    [Theory]
    [InlineData("json", 2_500_000)]
    [InlineData("text", 1_000_000)]
    [InlineData("markdown", FleetMarkdownRenderer.DefaultCharacterLimit)]
    public void Render_3000RegistrationsOfOneTenantEach_OutputAsLongAsTheMappings(string format, int bound)
    {
        // Arrange
        var view = FleetViewBuilder.Build(OneTenantEach(), null);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);

        // Act
        FleetRenderers.Get(format).Render(view, writer);

        // Assert: format 1.0's JSON had one cell per tenant and registration (about 1.3 GB here).
        var output = writer.ToString();
        Assert.True(output.Length < bound, $"{format}: {output.Length:N0} characters");
        if (format == "json")
        {
            using var json = JsonDocument.Parse(output);
            Assert.Equal(Registrations, json.RootElement.GetProperty("tenants").EnumerateArray().Sum(t => t.GetProperty("cells").GetArrayLength()));
            Assert.Equal(
                Enumerable.Range(0, Registrations),
                json.RootElement.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("cells")[0].GetProperty("registration").GetInt32()).Order());
        }
    }

    [Fact]
    public void Render_MoreRegistrationsThanAMatrixHolds_OneLinePerCellInTextAndMarkdown()
    {
        // Arrange: nine registrations; one tenant on the first and the last.
        var registrations = Enumerable.Range(0, FleetText.MatrixColumns + 1).Select(Registration).ToArray();
        var desired = State([.. registrations.Select((r, i) => i is 0 or 8 ? DesiredOf(r, Want(S(i), T(1), "Contoso")) : DesiredOf(r))]);
        var view = FleetViewBuilder.Build(desired, null);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var markdown = new StringWriter(CultureInfo.InvariantCulture);

        // Act
        new FleetTextRenderer().Render(view, text);
        new FleetMarkdownRenderer().Render(view, markdown);

        // Assert
        var lines = text.ToString().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("TENANT", StringComparison.Ordinal) && l.EndsWith("REGISTRATION      CELL", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{T(1):D}  Contoso  azurestack-r0000  {S(0):D}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith($"azurestack-r0008  {S(8):D}", StringComparison.Ordinal));
        Assert.Contains("| Tenant | Label | Registration | Cell |\n", markdown.ToString(), StringComparison.Ordinal);
        Assert.Contains($"| `{T(1):D}` | `Contoso` | `azurestack-r0000` | `{S(0):D}` |\n|  |  | `azurestack-r0008` | `{S(8):D}` |\n", markdown.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tenants_3000RegistrationsOfOneTenantEach_Exit0()
    {
        // Arrange
        using var temp = new TempDirectory();
        var file = temp.Write("tenants.yaml", Yaml());

        // Act
        var result = await CliRunner.RunAsync("tenants", "-f", file, "-o", "json");

        // Assert
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("\"formatVersion\": \"2.0\"", result.Stdout, StringComparison.Ordinal);
    }

    private static TenantReconciler.Desired.DesiredState OneTenantEach() =>
        State([.. Enumerable.Range(0, Registrations).Select(r => DesiredOf(Registration(r), Want(S(r), T(r), $"Tenant {r}")))]);

    private static RegistrationRef Registration(int r) => new(Guid.Parse("6513270e-269e-4d37-b2a7-4de452e6b438"), "azurestack", $"azurestack-r{r:D4}");

    private static string Yaml() =>
        "registrations:\n" + string.Concat(Enumerable.Range(0, Registrations).Select(r =>
            $"  - name: azurestack-r{r:D4}\n    subscriptionId: 6513270e-269e-4d37-b2a7-4de452e6b438\n    resourceGroup: azurestack\n    tenants:\n" +
            $"      - tenantId: {T(r):D}\n        customerSubscriptionId: {S(r):D}\n        name: Tenant {r}\n"));
}
