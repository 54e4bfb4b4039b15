using TenantReconciler.Cli.Output;

namespace TenantReconciler.Tests.Cli;

/// <summary>Reports that tell the truth: what converged to what, why a saved plan is refused, and what apply will do.</summary>
public sealed class TruthfulReportTests
{
    private static string Tenants => RepoFiles.Path("tenants.yaml");

    [Fact]
    public async Task ApplyUndoPlan_Converged_SaysLiveMatchesTheUndoPlanNotTenantsYaml()
    {
        // Arrange: an apply, and the undo plan of it.
        await using var bed = await CliTestBed.StartAsync();
        var apply = await bed.RunAsync("apply", "-f", Tenants, "--auto-approve");
        var undoPlan = bed.Temp.File("undo.plan.json");
        var undo = await bed.RunAsync("undo", "-f", Tenants, "--out", undoPlan);

        // Act
        var result = await bed.RunAsync("apply", undoPlan, "-f", Tenants);

        // Assert
        Assert.True(apply.ExitCode == 0 && undo.ExitCode == 0, apply.ToString() + undo);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(ApplyOutcomeReport.UndoConverged, result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("match the desired state", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplySavedPlan_Replayed_AlreadyAppliedNotStaleAndNothingListed()
    {
        // Arrange: a saved plan, applied once.
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", Tenants, "--out", planFile, "--journal", bed.Journal);
        var first = await bed.RunAsync("apply", planFile, "-f", Tenants);
        var requests = bed.Emulator.Requests.Count;

        // Act
        var replay = await bed.RunAsync("apply", planFile, "-f", Tenants);

        // Assert: the journal answers first; no listing, no write.
        Assert.True(plan.ExitCode == 0 && first.ExitCode == 0, plan.ToString() + first);
        Assert.Equal(ExitCodes.Error, replay.ExitCode);
        Assert.Contains("was already applied", replay.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("changed since the plan was made", replay.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("stale", replay.Stderr, StringComparison.Ordinal);
        Assert.Equal(requests, bed.Emulator.Requests.Count);
    }

    [Fact]
    public async Task ApplySavedPlan_StaleBecauseAppliedAnotherWay_ListsOnlyRealDifferences()
    {
        // Arrange: a saved plan, then the same change applied without it.
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", Tenants, "--out", planFile, "--journal", bed.Journal);
        var direct = await bed.RunAsync("apply", "-f", Tenants, "--auto-approve");

        // Act
        var stale = await bed.RunAsync("apply", planFile, "-f", Tenants);

        // Assert: the approved changes are no longer planned; no unchanged row is "newly planned".
        Assert.True(plan.ExitCode == 0 && direct.ExitCode == 0, plan.ToString() + direct);
        Assert.Equal(ExitCodes.Error, stale.ExitCode);
        var lines = stale.Stderr.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("  approved, no longer planned: ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("  newly planned, not approved: ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(":   customerSubscription", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new string[0], ExitCodes.Error)]
    [InlineData(new[] { "--confirm-removals", "6" }, ExitCodes.Changes)]
    [InlineData(new[] { "--max-removals", "10" }, ExitCodes.Changes)]
    public async Task PlanDetailedExitCode_GuardsAsApplyWillJudgeThem_RefusedPlanIsExitOne(string[] overrides, int expected)
    {
        // Arrange: six removals, one more than the default threshold.
        var state = FaultToleranceTests.Empty();
        for (var i = 0; i < 6; i++)
        {
            state.Registrations[0].CustomerSubscriptions.Add(new EmulatorCustomerSubscription { SubscriptionId = FaultToleranceTests.S(100 + i), TenantId = FaultToleranceTests.T(100 + i) });
        }

        await using var bed = await CliTestBed.StartAsync(state);
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(1));

        // Act
        var plan = await bed.RunAsync(["plan", "-f", yaml, "--detailed-exitcode", .. overrides]);

        // Assert
        Assert.True(plan.ExitCode == expected, plan.ToString());
        Assert.Equal(expected == ExitCodes.Error, plan.Stderr.Contains("Warning: apply will refuse this plan: removal-threshold", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, ExitCodes.Error)]
    [InlineData(true, ExitCodes.Changes)]
    public async Task PlanDetailedExitCode_EmptyTenantList_RefusedUnlessAllowEmpty(bool allowEmpty, int expected)
    {
        // Arrange: two live mappings, a registration whose tenant list is empty.
        var state = FaultToleranceTests.Empty();
        for (var i = 0; i < 2; i++)
        {
            state.Registrations[0].CustomerSubscriptions.Add(new EmulatorCustomerSubscription { SubscriptionId = FaultToleranceTests.S(100 + i), TenantId = FaultToleranceTests.T(100 + i) });
        }

        await using var bed = await CliTestBed.StartAsync(state);
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(0));

        // Act
        var plan = await bed.RunAsync(["plan", "-f", yaml, "--detailed-exitcode", .. allowEmpty ? new[] { "--allow-empty" } : []]);

        // Assert
        Assert.True(plan.ExitCode == expected, plan.ToString());
        Assert.Equal(!allowEmpty, plan.Stderr.Contains("Warning: apply will refuse this plan: empty-registration", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "--confirm-removals", "6" }, false)]
    public async Task PlanJson_RemovalThreshold_CarriesTheVerdictApplyWillReach(string[] overrides, bool refused)
    {
        // Arrange: six removals, one more than the default threshold.
        var state = FaultToleranceTests.Empty();
        for (var i = 0; i < 6; i++)
        {
            state.Registrations[0].CustomerSubscriptions.Add(new EmulatorCustomerSubscription { SubscriptionId = FaultToleranceTests.S(100 + i), TenantId = FaultToleranceTests.T(100 + i) });
        }

        await using var bed = await CliTestBed.StartAsync(state);
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(1));

        // Act
        var plan = await bed.RunAsync(["plan", "-f", yaml, "-o", "json", .. overrides]);

        // Assert: guards: [{guard, registration, count, limit, override}] and applyWillRefuse, as apply will judge.
        Assert.True(plan.ExitCode == ExitCodes.Success, plan.ToString());
        using var document = System.Text.Json.JsonDocument.Parse(plan.Stdout);
        var root = document.RootElement;
        Assert.Equal(refused, root.GetProperty("applyWillRefuse").GetBoolean());
        var guards = root.GetProperty("guards").EnumerateArray().ToArray();
        if (!refused)
        {
            Assert.Empty(guards);
            return;
        }

        var guard = Assert.Single(guards);
        Assert.Equal("removal-threshold", guard.GetProperty("guard").GetString());
        Assert.Equal(root.GetProperty("registrations")[0].GetProperty("id").GetString(), guard.GetProperty("registration").GetString());
        Assert.Equal(6, guard.GetProperty("count").GetInt32());
        Assert.Equal(5, guard.GetProperty("limit").GetInt32());
        Assert.Contains("--confirm-removals 6", guard.GetProperty("override").GetString(), StringComparison.Ordinal);
        Assert.True(guard.GetProperty("refusesApply").GetBoolean());
    }

    [Fact]
    public async Task PlanJson_Suspended_TheSuspendGuardRefusesForTheWholeRun()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync(FaultToleranceTests.Empty());
        var yaml = bed.Temp.Write("tenants.yaml", "suspend: true\n" + FaultToleranceTests.Yaml(2));

        // Act
        var plan = await bed.RunAsync("plan", "-f", yaml, "-o", "json");

        // Assert
        Assert.True(plan.ExitCode == ExitCodes.Success, plan.ToString());
        using var document = System.Text.Json.JsonDocument.Parse(plan.Stdout);
        Assert.True(document.RootElement.GetProperty("applyWillRefuse").GetBoolean());
        var guard = Assert.Single(document.RootElement.GetProperty("guards").EnumerateArray());
        Assert.Equal("suspend", guard.GetProperty("guard").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, guard.GetProperty("registration").ValueKind);
        Assert.Equal(2, guard.GetProperty("count").GetInt32());
        Assert.Contains("--ignore-suspend", guard.GetProperty("override").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, ExitCodes.Error)]
    [InlineData(true, ExitCodes.Changes)]
    public async Task PlanDetailedExitCode_Suspended_RefusedUnlessIgnoreSuspend(bool ignoreSuspend, int expected)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync(FaultToleranceTests.Empty());
        var yaml = bed.Temp.Write("tenants.yaml", "suspend: true\n" + FaultToleranceTests.Yaml(2));

        // Act
        var plan = await bed.RunAsync(["plan", "-f", yaml, "--detailed-exitcode", .. ignoreSuspend ? new[] { "--ignore-suspend" } : []]);

        // Assert
        Assert.True(plan.ExitCode == expected, plan.ToString());
        Assert.Equal(!ignoreSuspend, plan.Stderr.Contains("sets 'suspend: true'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlanOut_WithConnectionOptions_TheApplyHintKeepsThem()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");

        // Act
        var plan = await bed.RunAsync("plan", "-f", Tenants, "--out", planFile, "--journal", bed.Journal);

        // Assert: paste it and it goes to the same endpoint, with the same certificate and credential.
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains(
            $"tenant-reconciler apply {planFile} --journal {bed.Journal} --arm-endpoint {bed.Connection[1]} --ca-cert {bed.Connection[3]} --auth emulator",
            plan.Stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanOut_WithEmulatorStateFile_TheApplyHintNamesIt()
    {
        // Arrange
        using var temp = new TempDirectory();
        var state = temp.CopyOfExampleState("state.json");
        var journal = temp.File("journal.jsonl");
        var planFile = temp.File("plan.json");

        // Act
        var plan = await CliRunner.RunAsync("plan", "-f", Tenants, "--emulator", state, "--out", planFile, "--journal", journal);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains($"tenant-reconciler apply {planFile} --journal {journal} --emulator {state}", plan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ManyChangesThrottledBeyondMaxRetryWait_OneGroupedFailureAndTheUrlOnce()
    {
        // Arrange: every PUT answered 429 with Retry-After: 120, over --max-retry-wait 60.
        await using var bed = await CliTestBed.StartAsync(FaultToleranceTests.Empty(), new EmulatorOptions
        {
            Faults = new FaultProfile { Seed = 1, Put = new FaultRule { ThrottleRate = 1, RetryAfter = "120" } },
        });
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(12));

        // Act
        var apply = await bed.RunAsync("apply", "-f", yaml, "--auto-approve", "--max-retry-wait", "60");

        // Assert: one failure, said once with its count; the registration's URL once; each row its own request id.
        Assert.Equal(ExitCodes.Error, apply.ExitCode);
        var stdout = apply.Stdout;
        Assert.Contains("  1. 12 changes failed with 429 ", stdout, StringComparison.Ordinal);
        Assert.Equal(1, stdout.Split("ARM asked to retry after 120 s, more than --max-retry-wait 60 s").Length - 1);
        Assert.DoesNotContain("  2. ", stdout, StringComparison.Ordinal);
        Assert.Equal(1, stdout.Split(bed.Emulator.BaseUri.GetLeftPart(UriPartial.Authority)).Length - 1);
        Assert.Equal(12, stdout.Split('\n').Count(l => l.StartsWith("  failed ", StringComparison.Ordinal) && l.Contains(": failure 1 (x-ms-request-id: ", StringComparison.Ordinal)));
    }
}
