using TenantReconciler.Tests.Leasing;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Issue 7's remaining holes, each through the whole CLI against the emulator over HTTPS (and Azurite for the blob
/// journal): every one ends with zero writes.
/// </summary>
public sealed class EngineEndToEndTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [AzuriteFact]
    public async Task ApplySavedPlan_FromAnotherWorkingFolderWithTheSameBlobJournal_RefusedAsAlreadyApplied()
    {
        // Arrange: plan, issued in the blob journal; apply from folder A with it; put the live state back by hand.
        await using var bed = await CliTestBed.StartAsync();
        var connectionString = await azurite.GetConnectionStringAsync();
        var journal = $"{AzuriteFixture.NewContainer()}/ci/journal.jsonl";
        string[] blobJournal = ["--journal-connection-string", connectionString, "--journal", journal];
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync(["plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile, .. blobJournal]);
        var before = bed.Emulator.Snapshot();
        var first = await bed.RunAsync(["apply", planFile, "-f", RepoFiles.Path("tenants.yaml"), .. blobJournal]);
        bed.Emulator.Reset(before);
        var writesAfterFirst = bed.Writes;

        // Act: the same plan from folder B, an empty working folder on "another runner".
        using var folderB = new TempDirectory();
        var copy = folderB.Write("plan.json", File.ReadAllText(planFile));
        var replay = await bed.RunAsync(["apply", copy, "-f", RepoFiles.Path("tenants.yaml"), .. blobJournal]);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("already applied", replay.Stderr);
        Assert.Equal(writesAfterFirst, bed.Writes);
        Assert.DoesNotContain(AzuriteFixture.DevelopmentAccountKey, replay.Stderr + replay.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_SecondPageOfAListingIsAnEmptyBody_FailsWithNoWriteInAnyRegistration()
    {
        // Arrange: page size 1, so the first registration's listing has several pages; page 2 comes back empty.
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions
        {
            PageSize = 1,
            Faults = new FaultProfile { List = new FaultRule { EmptyPage = 2 } },
        });

        // Act
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"));
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve");

        // Assert
        Assert.Equal(1, plan.ExitCode);
        bed.AssertRefusedWithoutWrites(apply, "is incomplete and unusable", "Nothing was changed in any registration");
    }

    [Fact]
    public async Task Undo_OfAnApplyMadeWithTheEmbeddedEmulator_RefusedAgainstAnotherEndpoint()
    {
        // Arrange: apply --emulator writes the journal; undo is then pointed at an endpoint (standing in for real ARM).
        await using var bed = await CliTestBed.StartAsync();
        var state = bed.Temp.CopyOfExampleState("state.json");
        var apply = await CliRunner.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--auto-approve", "--journal", bed.Journal);

        // Act
        var undo = await bed.RunAsync("undo", "-f", RepoFiles.Path("tenants.yaml"), "--out", bed.Temp.File("undo.json"));
        var undoOnTheEmulator = await CliRunner.RunAsync("undo", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--journal", bed.Journal, "--out", bed.Temp.File("undo2.json"));

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(1, undo.ExitCode);
        Assert.Contains("that apply wrote to emulator", undo.Stderr);
        Assert.Empty(bed.Emulator.Requests);
        Assert.True(undoOnTheEmulator.ExitCode == 0, undoOnTheEmulator.ToString());
    }

    [Theory]
    [InlineData("https://user:secret@127.0.0.1:1/")]
    [InlineData("https://127.0.0.1:1/?x=1")]
    [InlineData("https://127.0.0.1:1/#f")]
    [InlineData("http://127.0.0.1:1/")]
    public async Task Plan_ArmEndpointWithUserInfoQueryOrFragment_RefusedBeforeAnyRequest(string endpoint)
    {
        // Act
        var plan = await CliRunner.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--arm-endpoint", endpoint, "--auth", "emulator");

        // Assert
        Assert.Equal(1, plan.ExitCode);
        Assert.Contains("--arm-endpoint must be an absolute https URL without user-info, query or fragment", plan.Stderr);
        Assert.DoesNotContain("secret", plan.Stdout);
    }

    [Fact]
    public async Task Undo_ThenApplyTheUndoPlan_RestoresAndIsReDerivedFromTheJournal()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var before = Mappings(bed.Emulator.Snapshot());
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve");
        var undoPlan = bed.Temp.File("undo.json");
        var undo = await bed.RunAsync("undo", "-f", RepoFiles.Path("tenants.yaml"), "--out", undoPlan);

        // Act
        var restore = await bed.RunAsync("apply", undoPlan, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(before, Mappings(bed.Emulator.Snapshot()));
    }

    private static string[] Mappings(EmulatorState state) =>
        state.Registrations
            .SelectMany(r => r.CustomerSubscriptions.Select(c => $"{r.Name}|{c.SubscriptionId.ToUpperInvariant()}|{c.TenantId.ToUpperInvariant()}"))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
