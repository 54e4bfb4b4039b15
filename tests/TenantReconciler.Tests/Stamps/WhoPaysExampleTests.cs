namespace TenantReconciler.Tests.Stamps;

/// <summary>
/// The README's walkthrough of who pays, as a new user runs it in a fresh clone: <c>examples/who-pays.yaml</c> against
/// <c>--emulator</c> (its git-ignored copy of <c>examples/emulator-state.json</c>, whose stamp records usage in days
/// before today, so the example works on any day).
/// </summary>
[Collection(WorkingDirectoryCollection.Name)]
public sealed class WhoPaysExampleTests : IDisposable
{
    private const string Adatum = "90c192cf-d3ac-44af-8f21-ddb66cad4a26";
    private const string Litware = "c5e8a2d4-7b1f-4e3a-9c6d-2f8b0a1e3d57";

    private readonly string _previous = Environment.CurrentDirectory;
    private readonly TempDirectory _clone = new();

    public WhoPaysExampleTests()
    {
        Directory.CreateDirectory(Path.Combine(_clone.Path, "examples"));
        File.Copy(RepoFiles.Path("examples/who-pays.yaml"), _clone.File("examples/who-pays.yaml"));
        File.Copy(RepoFiles.Path("examples/emulator-state.json"), _clone.File("examples/emulator-state.json"));
        Environment.CurrentDirectory = _clone.Path;
    }

    public void Dispose()
    {
        Environment.CurrentDirectory = _previous;
        _clone.Dispose();
    }

    [Fact]
    public async Task PlanAuditApply_TheWalkthrough_UsageOnTheRemovalTheLeakAndTheGuard()
    {
        // Act
        var plan = await CliRunner.RunAsync("plan", "--emulator", "-f", "examples/who-pays.yaml");
        var audit = await CliRunner.RunAsync("audit", "--emulator", "-f", "examples/who-pays.yaml", "--detailed-exitcode");
        var refused = await CliRunner.RunAsync("apply", "--emulator", "-f", "examples/who-pays.yaml", "--auto-approve");
        var applied = await CliRunner.RunAsync("apply", "--emulator", "-f", "examples/who-pays.yaml", "--auto-approve", "--confirm-billed-removals", "1");
        var after = await CliRunner.RunAsync("audit", "--emulator", "-f", "examples/who-pays.yaml", "--detailed-exitcode");

        // Assert: the removal of Adatum shows its 412.5 units; Litware is the leak; apply needs the confirmation.
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains($"! tenant {Adatum} used 412.5 units on 3 subscriptions of this stamp between ", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("Plan: 2 to add, 2 to overwrite, 1 to remove, 2 unchanged.", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("billed-removal", plan.Stderr, StringComparison.Ordinal);
        Assert.True(audit.ExitCode == 2, audit.ToString());
        Assert.Contains($"! tenant {Litware} used 108.25 units on 1 subscription", audit.Stdout, StringComparison.Ordinal);
        Assert.Contains("Desired but not registered: 1", audit.Stdout, StringComparison.Ordinal);
        Assert.Contains("Not visible: 1", audit.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.True(after.ExitCode == 2, after.ToString());
        Assert.DoesNotContain("+ tenant 36f675cc", after.Stdout, StringComparison.Ordinal);
        Assert.Contains($"! tenant {Adatum} used 412.5 units", after.Stdout, StringComparison.Ordinal);
    }
}
