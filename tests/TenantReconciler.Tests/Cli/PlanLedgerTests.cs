using System.Text.Json.Nodes;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Issue 15, item 1: a saved plan is issued in the journal by <c>plan --out</c> (its id and the SHA-256 of its content)
/// and apply accepts only a plan issued there with exactly that content, once. Real CLI runs against the emulator.
/// </summary>
public sealed class PlanLedgerTests
{
    [Fact]
    public async Task ApplySavedPlan_PlanIdEditedAfterTheLiveStateWasPutBack_RefusedAsNotIssuedWithNoWrite()
    {
        // Arrange: apply a plan, put the live state back by hand, give the plan file a new planId (on 9aa6160 it applied again).
        await using var bed = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(bed);
        var before = bed.Emulator.Snapshot();
        var first = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));
        bed.Emulator.Reset(before);
        var writesAfterFirst = bed.Writes;
        var edited = Guid.NewGuid();
        Edit(planFile, plan => plan["planId"] = edited.ToString());

        // Act
        var replay = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains($"plan {edited:D} was not issued by the journal", replay.Stderr);
        Assert.Contains("Nothing was changed.", replay.Stderr);
        Assert.Equal(writesAfterFirst, bed.Writes);
    }

    [Theory]
    [InlineData("createdAt", "2020-01-01T00:00:00+00:00")]
    [InlineData("toolVersion", "9.9.9")]
    public async Task ApplySavedPlan_ContentEditedAndTheIdKept_RefusedAsEditedWithNoWrite(string field, string value)
    {
        // Arrange: fields the re-derivation does not compare are still the content the journal issued.
        await using var bed = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(bed);
        Edit(planFile, plan => plan[field] = value);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        bed.AssertRefusedWithoutWrites(apply, "its content was edited after it was saved");
    }

    [Fact]
    public async Task ApplySavedPlan_UnknownPropertyAdded_IgnoredAndApplied()
    {
        // Arrange: what the format does not read changes nothing, so it is not content (and is not trusted either).
        await using var bed = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(bed);
        Edit(planFile, plan => plan["comment"] = "reviewed by someone");

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    [Fact]
    public async Task ApplySavedPlan_IssuedInAnotherJournal_RefusedAsNotIssuedWithNoWrite()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(bed);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"), "--journal", bed.Temp.File("other-journal.jsonl"));

        // Assert
        bed.AssertRefusedWithoutWrites(apply, "was not issued by the journal");
    }

    [Fact]
    public async Task ApplySavedPlan_FreshPlanOfTheSameChangesAfterTheLiveStateWasPutBack_AppliesNormally()
    {
        // Arrange: a new plan is a new issue, even when its changes are those of a plan already applied.
        await using var bed = await CliTestBed.StartAsync();
        var before = bed.Emulator.Snapshot();
        var first = await bed.RunAsync("apply", await PlanAsync(bed), "-f", RepoFiles.Path("tenants.yaml"));
        bed.Emulator.Reset(before);
        var again = await PlanAsync(bed, "plan2.json");

        // Act
        var apply = await bed.RunAsync("apply", again, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("Converged", apply.Stdout);
    }

    [Fact]
    public async Task Plan_Out_IssuesTheSavedContentInTheJournal()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", bed.Temp.File("plan.json"));

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        var saved = SavedPlan.Load(bed.Temp.File("plan.json"));
        var issue = (await new FileJournalStore(bed.Journal).ReadAsync(CancellationToken.None)).IssueOf(saved.PlanId);
        Assert.NotNull(issue);
        Assert.Equal(saved.ContentHash(), issue.ContentHash);
        Assert.Contains($"issued in the journal {bed.Journal}", plan.Stderr);
    }

    [Fact]
    public async Task Plan_OutWithAJournalThatCannotBeWritten_SavesNoPlanAndExits1()
    {
        // Arrange: the journal's folder is a file, so the issue cannot be recorded.
        await using var bed = await CliTestBed.StartAsync();
        var blocker = bed.Temp.Write("blocker", "not a folder");
        var planFile = bed.Temp.File("plan.json");

        // Act
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile, "--journal", Path.Combine(blocker, "journal.jsonl"));

        // Assert
        Assert.Equal(1, plan.ExitCode);
        Assert.Contains("journal", plan.Stderr);
        Assert.False(File.Exists(planFile));
    }

    [Fact]
    public void ContentHash_SavedAndLoadedAgain_IsTheSameAndIgnoresThePlanId()
    {
        // Arrange
        using var temp = new TempDirectory();
        var plan = TenantReconciler.Tests.Rendering.RenderingFixtures.Representative();
        var saved = SavedPlan.Create(
            plan,
            new PlanSource([new SourceFile("tenants.yaml", "sha256:" + new string('1', 64))]),
            new PlanTarget(AzureCloud.AzureCloud, "https://management.azure.com", "2017-06-01"),
            [.. plan.Registrations.Select(r => new TenantReconciler.Live.LiveRegistration(r.Registration, []))],
            "1.2.3",
            Guid.NewGuid(),
            new DateTimeOffset(2026, 12, 1, 10, 0, 0, 123, TimeSpan.Zero).AddTicks(4567));
        saved.Save(temp.File("plan.json"));

        // Act
        var loaded = SavedPlan.Load(temp.File("plan.json"));

        // Assert
        Assert.Equal(saved.ContentHash(), loaded.ContentHash());
        Assert.Equal(saved.ContentHash(), (saved with { PlanId = Guid.NewGuid() }).ContentHash());
        Assert.NotEqual(saved.ContentHash(), (saved with { ToolVersion = "1.2.4" }).ContentHash());
    }

    private static async Task<string> PlanAsync(CliTestBed bed, string name = "plan.json")
    {
        var planFile = bed.Temp.File(name);
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        return planFile;
    }

    private static void Edit(string planFile, Action<JsonNode> edit) => SavedPlanTamperingTests.Edit(planFile, edit);
}
