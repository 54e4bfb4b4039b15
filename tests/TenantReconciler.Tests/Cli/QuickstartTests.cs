using TenantReconciler.Schema;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The README's first command, as a new user runs it in a fresh clone: <c>--emulator</c> without a state file keeps
/// its state in a git-ignored copy, so the tracked example is never written, the clone stays clean, and the next plan
/// after an apply says "No changes".
/// </summary>
[Collection(WorkingDirectoryCollection.Name)]
public sealed class QuickstartTests : IDisposable
{
    private readonly string _previous = Environment.CurrentDirectory;
    private readonly TempDirectory _clone = new();

    public QuickstartTests()
    {
        // A clone: the desired state, the example emulator state and the .gitignore, committed.
        Directory.CreateDirectory(Path.Combine(_clone.Path, "examples"));
        File.Copy(RepoFiles.Path("tenants.yaml"), _clone.File("tenants.yaml"));
        File.Copy(RepoFiles.Path("examples/emulator-state.json"), _clone.File("examples/emulator-state.json"));
        File.Copy(RepoFiles.Path(".gitignore"), _clone.File(".gitignore"));
        Git("init", "-q");
        Git("add", "-A");
        Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "clone");
        Environment.CurrentDirectory = _clone.Path;
    }

    public void Dispose()
    {
        Environment.CurrentDirectory = _previous;
        _clone.Dispose();
    }

    [Fact]
    public async Task ApplyEmulator_ThenPlanEmulator_NoChangesAndTheCloneStaysClean()
    {
        // Arrange
        var example = File.ReadAllBytes(_clone.File("examples/emulator-state.json"));

        // Act
        var first = await CliRunner.RunAsync("plan", "--emulator");
        var apply = await CliRunner.RunAsync("apply", "--emulator", "--auto-approve");
        var second = await CliRunner.RunAsync("plan", "--emulator", "--detailed-exitcode");

        // Assert: the README's plan, then converged, then nothing left; the tracked file untouched, git clean.
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Plan: 2 to add, 2 to overwrite, 1 to remove, 2 unchanged.", first.Stdout, StringComparison.Ordinal);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("No changes.", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(example, File.ReadAllBytes(_clone.File("examples/emulator-state.json")));
        Assert.True(File.Exists(_clone.File(".tenant-reconciler/emulator-state.json")));
        Assert.Equal(string.Empty, Git("status", "--porcelain"));
    }

    [Fact]
    public async Task PlanEmulator_EmulatorReset_StartsOverFromTheExample()
    {
        // Arrange: applied once, so the copy is converged.
        var apply = await CliRunner.RunAsync("apply", "--emulator", "--auto-approve");

        // Act
        var reset = await CliRunner.RunAsync("plan", "--emulator", "--emulator-reset");

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.Contains("Plan: 2 to add, 2 to overwrite, 1 to remove, 2 unchanged.", reset.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(_clone.File(".tenant-reconciler/emulator-state.json")));
    }

    [Fact]
    public async Task PlanEmulator_NoExampleInTheFolder_CreatesNoFile()
    {
        // Arrange: a folder with a tenants.yaml only.
        File.Delete(_clone.File("examples/emulator-state.json"));
        var before = Files();

        // Act
        var plan = await CliRunner.RunAsync("plan", "--emulator");

        // Assert: every desired registration empty (all adds), and not one new file.
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("to add", plan.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, Files());
    }

    [Fact]
    public async Task EmulatorReset_WithAStateFile_Refused()
    {
        // Act
        var result = await CliRunner.RunAsync("plan", "--emulator", "examples/emulator-state.json", "--emulator-reset");

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("--emulator-reset only applies to --emulator without a STATEFILE", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void GitIgnore_ToolPathAndStateFolder_Ignored()
    {
        // Act
        var ignored = Git("check-ignore", "tools/tenant-reconciler", ".tenant-reconciler/emulator-state.json");

        // Assert
        Assert.Equal("tools/tenant-reconciler\n.tenant-reconciler/emulator-state.json\n", ignored);
    }

    [Fact]
    public async Task Import_Modeline_PointsAtTheSchemaBesideTheFileThatSchemaWrites()
    {
        // Arrange: the live example, imported into a folder of its own with the schema written beside it.
        await using var bed = await CliTestBed.StartAsync();
        var id = "/subscriptions/6513270e-269e-4d37-b2a7-4de452e6b438/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-8f3e1b2c";
        var schema = await CliRunner.RunAsync("schema");

        // Act
        var import = await bed.RunAsync("import", id);

        // Assert: the modeline names ./tenants.schema.json, and the file that 'schema' prints validates the import.
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.StartsWith("# yaml-language-server: $schema=./" + TenantsSchema.BesideFileName + "\n", import.Stdout, StringComparison.Ordinal);
        Assert.Contains("tenant-reconciler schema > tenants.schema.json", import.Stdout, StringComparison.Ordinal);
        Assert.Equal(TenantsSchema.Text, schema.Stdout);
    }

    private string[] Files() =>
        [.. Directory.EnumerateFileSystemEntries(_clone.Path, "*", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !p.EndsWith($"{Path.DirectorySeparatorChar}.git", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    private string Git(params string[] args)
    {
        // In the constructor too, so it waits for git synchronously (the test's thread has nothing else to do).
        return ChildProcess.RunAsync("git", args, new ChildOptions { WorkingDirectory = _clone.Path }).GetAwaiter().GetResult().Stdout;
    }
}
