using System.Text.Json.Nodes;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// <c>-f</c> repeated and <c>-f DIRECTORY</c>, through the whole CLI against the emulator over HTTPS: the plan is that
/// of the one file the directory splits, and a saved plan is refused with zero writes once a file of the set was
/// added, removed or edited.
/// </summary>
public sealed class MultiFileCliTests
{
    private const string Header = "cloud: AzureCloud\napiVersion: \"2017-06-01\"\n";

    /// <summary>The repository's tenants.yaml, split per stamp (the alias spelled out, as anchors stay in their file).</summary>
    private static (string First, string Second) Split()
    {
        var text = File.ReadAllText(RepoFiles.Path("tenants.yaml"));
        var at = text.IndexOf("  # Contoso also", StringComparison.Ordinal);
        var first = text[..at];
        var second = Header + "registrations:\n" + text[at..].Replace(
            "      - *contoso\n",
            "      - tenantId: 9531985d-5d9d-49f8-9818-e811892f902b\n        customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5\n        name: Contoso\n",
            StringComparison.Ordinal);
        return (first, second);
    }

    private static string Desired(CliTestBed bed)
    {
        var dir = Directory.CreateDirectory(Path.Combine(bed.Temp.Path, "desired")).FullName;
        var (first, second) = Split();
        File.WriteAllText(Path.Combine(dir, "stamp-1.yaml"), first);
        File.WriteAllText(Path.Combine(dir, "stamp-2.yml"), second);
        return dir;
    }

    [Fact]
    public async Task Plan_DirectoryOrRepeatedDashF_SameAsTheOneFile()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var dir = Desired(bed);

        // Act
        var one = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"));
        var directory = await bed.RunAsync("plan", "-f", dir);
        var repeated = await bed.RunAsync("plan", "-f", Path.Combine(dir, "stamp-1.yaml"), "-f", Path.Combine(dir, "stamp-2.yml"));

        // Assert
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(directory.ExitCode == 0, directory.ToString());
        Assert.Equal(one.Stdout, directory.Stdout);
        Assert.Equal(one.Stdout, repeated.Stdout);
        Assert.Equal(0, bed.Writes);
    }

    [Fact]
    public async Task Validate_RegistrationInTwoFiles_ExitsOneNamingBothLocations()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var dir = Desired(bed);
        var (first, _) = Split();
        File.WriteAllText(Path.Combine(dir, "stamp-3.yaml"), first);

        // Act
        var validate = await CliRunner.RunAsync("validate", "-f", dir);

        // Assert
        Assert.Equal(1, validate.ExitCode);
        Assert.Contains($"{Path.Combine(dir, "stamp-3.yaml")}:8:5: error TR1019", validate.Stderr);
        Assert.Contains($"also defined at {Path.Combine(dir, "stamp-1.yaml")}:8:5", validate.Stderr);
    }

    [Fact]
    public async Task ApplySavedPlan_DirectoryUnchanged_AppliesAndRecordsEveryFile()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var dir = Desired(bed);
        var planFile = await PlanAsync(bed, dir);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", dir);

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.True(bed.Writes > 0);
        var source = JsonNode.Parse(File.ReadAllText(planFile))!["source"]!;
        Assert.Equal([Path.Combine(dir, "stamp-1.yaml"), Path.Combine(dir, "stamp-2.yml")], source["files"]!.AsArray().Select(f => (string)f!["path"]!));
        Assert.All(source["files"]!.AsArray(), f => Assert.StartsWith("sha256:", (string)f!["sha256"]!, StringComparison.Ordinal));
        Assert.Equal([dir], source["inputs"]!.AsArray().Select(i => (string)i!));
    }

    [Theory]
    [InlineData("added", "stamp-3.yaml was added to the desired-state files")]
    [InlineData("removed", "stamp-2.yml was removed from the desired-state files")]
    [InlineData("edited", "stamp-2.yml changed since the plan was made")]
    public async Task ApplySavedPlan_FileOfTheDirectoryAddedRemovedOrEdited_RefusedWithNoWrite(string change, string expected)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var dir = Desired(bed);
        var planFile = await PlanAsync(bed, dir);
        var second = Path.Combine(dir, "stamp-2.yml");
        switch (change)
        {
            case "added":
                File.WriteAllText(Path.Combine(dir, "stamp-3.yaml"), Header + "registrations:\n" + File.ReadAllText(second).Split("registrations:\n")[1].Replace("azurestack-2d4c6e8a", "azurestack-other", StringComparison.Ordinal));
                break;
            case "removed":
                File.Delete(second);
                break;
            default:
                File.AppendAllText(second, "# reviewed\n");
                break;
        }

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", dir);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains(expected, apply.Stderr);
        Assert.Contains("The saved plan is stale: run plan again.", apply.Stderr);
        Assert.Equal(0, bed.Writes);
    }

    [Fact]
    public async Task ApplySavedPlan_FilesMovedAndGivenWithDashF_AppliesWhenTheirContentIsUnchanged()
    {
        // Arrange: the plan was made in one checkout; apply runs in another, naming the files again.
        await using var bed = await CliTestBed.StartAsync();
        var dir = Desired(bed);
        var planFile = await PlanAsync(bed, dir);
        var moved = Path.Combine(bed.Temp.Path, "checkout-2");
        Directory.Move(dir, moved);

        // Act
        var withoutDashF = await bed.RunAsync("apply", planFile);
        var apply = await bed.RunAsync("apply", planFile, "-f", moved);

        // Assert
        Assert.Equal(1, withoutDashF.ExitCode);
        Assert.Contains("not relative to the working directory", withoutDashF.Stderr);
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    private static async Task<string> PlanAsync(CliTestBed bed, string dir)
    {
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", dir, "--out", planFile);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        return planFile;
    }
}
