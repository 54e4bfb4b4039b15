using System.Text.Json.Nodes;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// A saved plan is re-derived, never trusted: every hand edit, a changed desired file, another target, and guard
/// settings smuggled into the plan file are each refused with zero writes. Real CLI runs against the emulator over HTTPS.
/// </summary>
public sealed class SavedPlanTamperingTests
{
    private const string Stranger = "deadbeef-0000-4000-8000-000000000001";

    [Theory]
    [InlineData("action", "remove")]
    [InlineData("customerSubscriptionId", "0fd630f1-f29d-4da9-953f-48f1a09f76b5")]
    [InlineData("customerSubscriptionName", "0FD630F1-F29D-4DA9-953F-48F1A09F76B5")]
    [InlineData("tenantId", Stranger)]
    [InlineData("previousTenantId", Stranger)]
    [InlineData("movedFromSubscriptionId", "0fd630f1-f29d-4da9-953f-48f1a09f76b5")]
    [InlineData("movedFromSubscriptionName", "0FD630F1-F29D-4DA9-953F-48F1A09F76B5")]
    [InlineData("label", "Not Fabrikam")]
    [InlineData("billingFallbackTenantId", Stranger)]
    public async Task ApplySavedPlan_OneFieldOfAChangeEditedByHand_RefusedWithNoWrite(string field, string value)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(bed);
        Edit(planFile, plan => FirstAdd(plan)[field] = value);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        bed.AssertRefusedWithoutWrites(apply, "nothing was changed");
    }

    [Fact]
    public async Task ApplySavedPlan_AddTurnedIntoAnOverwriteOfAnotherLiveSubscription_RefusedAndTheDifferenceIsShown()
    {
        // Arrange: issue 7, item 1: the request target is another live subscription, the tenant a stranger's.
        await using var bed = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(bed);
        Edit(planFile, plan =>
        {
            var add = FirstAdd(plan);
            add["action"] = "overwrite";
            add["customerSubscriptionName"] = "0FD630F1-F29D-4DA9-953F-48F1A09F76B5";
            add["tenantId"] = Stranger;
        });

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve");

        // Assert
        bed.AssertRefusedWithoutWrites(apply, "approved, no longer planned", "request target '0FD630F1-F29D-4DA9-953F-48F1A09F76B5'");
    }

    [Theory]
    [InlineData("added")]
    [InlineData("removed")]
    public async Task ApplySavedPlan_ARowAddedOrRemoved_RefusedWithNoWrite(string edit)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(bed);
        Edit(planFile, plan =>
        {
            var changes = (JsonArray)plan["registrations"]![0]!["changes"]!;
            if (edit == "removed")
            {
                changes.RemoveAt(0);
            }
            else
            {
                changes.Add(new JsonObject
                {
                    ["action"] = "remove",
                    ["customerSubscriptionId"] = "0fd630f1-f29d-4da9-953f-48f1a09f76b5",
                    ["customerSubscriptionName"] = "0FD630F1-F29D-4DA9-953F-48F1A09F76B5",
                    ["previousTenantId"] = "9531985d-5d9d-49f8-9818-e811892f902b",
                });
            }
        });

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Equal(0, bed.Writes);
    }

    [Fact]
    public async Task ApplySavedPlan_GuardSettingsWrittenIntoThePlanFile_IgnoredAndTheGuardStillRefuses()
    {
        // Arrange: the file protects tenant 90c192cf, whose mapping the plan removes; the plan file says otherwise.
        await using var bed = await CliTestBed.StartAsync();
        var yaml = bed.Temp.Write("tenants.yaml", "protect:\n  - 90c192cf-d3ac-44af-8f21-ddb66cad4a26\n" + File.ReadAllText(RepoFiles.Path("tenants.yaml")));
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", yaml, "--out", planFile);
        Edit(planFile, p =>
        {
            p["protect"] = new JsonArray();
            foreach (var registration in (JsonArray)p["registrations"]!)
            {
                registration!["maxRemovals"] = 50;
            }
        });

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", yaml);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        bed.AssertRefusedWithoutWrites(apply, "protected-tenant");
    }

    [Fact]
    public async Task ApplySavedPlan_AgainstAnotherEndpoint_RefusedWithNoWrite()
    {
        // Arrange: the plan is made against one emulator; a second one on another loopback port has the same state.
        await using var made = await CliTestBed.StartAsync();
        await using var other = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(made);

        // Act
        var apply = await other.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("the plan was made against", apply.Stderr);
        Assert.Equal(0, other.Writes);
        Assert.Equal(0, made.Writes);
    }

    [Fact]
    public async Task ApplySavedPlan_MadeWithTheEmbeddedEmulator_RefusedAgainstAnEndpoint()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var state = bed.Temp.CopyOfExampleState("state.json");
        var planFile = bed.Temp.File("plan.json");
        var plan = await CliRunner.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--out", planFile, "--journal", bed.Journal);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        bed.AssertRefusedWithoutWrites(apply, "--emulator");
    }

    [Fact]
    public async Task ApplySavedPlan_MadeWithTheEmbeddedEmulator_AppliesWithTheEmbeddedEmulator()
    {
        // Arrange
        using var temp = new TempDirectory();
        var state = temp.CopyOfExampleState("state.json");
        var planFile = temp.File("plan.json");
        await CliRunner.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--out", planFile, "--journal", temp.File("journal.jsonl"));

        // Act
        var apply = await CliRunner.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--journal", temp.File("journal.jsonl"));

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("Converged", apply.Stdout);
    }

    [Fact]
    public async Task Apply_FileSaysSuspend_RefusedWithNoWriteUnlessIgnoreSuspend()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var yaml = bed.Temp.Write("tenants.yaml", "suspend: true\n" + File.ReadAllText(RepoFiles.Path("tenants.yaml")));
        var planFile = bed.Temp.File("plan.json");
        await bed.RunAsync("plan", "-f", yaml, "--out", planFile);

        // Act
        var apply = await bed.RunAsync("apply", "-f", yaml, "--auto-approve");
        var applyPlan = await bed.RunAsync("apply", planFile, "-f", yaml);
        var writesWhileSuspended = bed.Writes;
        var ignored = await bed.RunAsync("apply", "-f", yaml, "--auto-approve", "--ignore-suspend");

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("suspend: true", apply.Stderr);
        Assert.Equal(1, applyPlan.ExitCode);
        Assert.Contains("suspend: true", applyPlan.Stderr);
        Assert.Equal(0, writesWhileSuspended);
        Assert.True(ignored.ExitCode == 0, ignored.ToString());
        Assert.True(bed.Writes > 0);
    }

    [Fact]
    public async Task ApplySavedPlan_MadeFromAnotherFileByItsAbsolutePath_RefusedWithoutDashFAndNoWrite()
    {
        // Arrange: issue 15, item 2: a plan made from another valid file, anywhere on the host, names it by absolute
        // path; on 9aa6160 'apply PLANFILE' loaded it from there and applied it silently.
        await using var bed = await CliTestBed.StartAsync();
        Directory.CreateDirectory(bed.Temp.File("elsewhere"));
        var other = bed.Temp.Write("elsewhere/tenants.yaml", File.ReadAllText(RepoFiles.Path("tenants.yaml")));
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", other, "--out", planFile);

        // Act
        var apply = await bed.RunAsync("apply", planFile);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        bed.AssertRefusedWithoutWrites(apply, $"the plan records the desired-state path '{other}', which is not relative to the working directory", "give them with -f");
    }

    [Theory]
    [InlineData("registrations", "it names the registration 'azurestack-8f3e1b2c'")]
    [InlineData("files", "it names the desired-state file")]
    public async Task ApplySavedPlan_ARegistrationOrASourceFileListedTwice_Exit1WithASentenceAndNoWrite(string list, string expected)
    {
        // Arrange: issue 15, item 13: on 9aa6160 either duplicate was an internal error (exit 70).
        await using var bed = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(bed);
        Edit(planFile, plan =>
        {
            var items = (JsonArray)(list == "files" ? plan["source"]!["files"]! : plan["registrations"]!);
            items.Add(items[0]!.DeepClone());
        });

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(apply.ExitCode == 1, apply.ToString());
        Assert.Contains(expected, apply.Stderr);
        Assert.DoesNotContain("internal error", apply.Stderr);
        Assert.Equal(0, bed.Writes);
    }

    [Fact]
    public async Task ApplySavedPlan_NullWhereTheFormatHasNone_Exit1NotAnInternalError()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = await PlanAsync(bed);
        Edit(planFile, plan => FirstAdd(plan)["customerSubscriptionName"] = null);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(apply.ExitCode == 1, apply.ToString());
        Assert.Contains("not a readable plan file", apply.Stderr);
        Assert.Equal(0, bed.Writes);
    }

    private static async Task<string> PlanAsync(CliTestBed bed)
    {
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        return planFile;
    }

    private static JsonObject FirstAdd(JsonNode plan) =>
        ((JsonArray)plan["registrations"]![0]!["changes"]!).Select(c => c!.AsObject()).First(c => (string?)c["action"] == "add");

    /// <summary>Edits a saved plan by hand, as a reviewer or an attacker would.</summary>
    internal static void Edit(string planFile, Action<JsonNode> edit)
    {
        var plan = JsonNode.Parse(File.ReadAllText(planFile))!;
        edit(plan);
        File.WriteAllText(planFile, plan.ToJsonString());
    }
}
