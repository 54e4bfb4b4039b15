namespace TenantReconciler.Tests.Cli;

/// <summary>Saved plans, prune guards, the journal and undo: each a real run of the CLI against the emulator over HTTPS.</summary>
public sealed class SafeApplyTests
{
    private const string RegSub = "6513270e-269e-4d37-b2a7-4de452e6b438";
    private const string Reg2Sub = "d23f0824-128b-4f33-8c5c-7fd0a6a3a450";

    [Fact]
    public async Task ApplySavedPlan_NothingChanged_AppliesExactlyThePlanAndConverges()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("Converged", apply.Stdout);
    }

    [Fact]
    public async Task ApplySavedPlan_LiveChangedSincePlan_RefusedWithDeltaAndNoWrites()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile);
        var changed = CliTestBed.ExampleState();
        changed.Registrations[0].CustomerSubscriptions.Add(new EmulatorCustomerSubscription
        {
            SubscriptionId = "11111111-2222-3333-4444-555555555555",
            TenantId = "66666666-7777-8888-9999-000000000000",
        });
        bed.Emulator.Reset(changed);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        bed.AssertRefusedWithoutWrites(apply, "stale", "newly planned, not approved", "11111111-2222-3333-4444-555555555555");
    }

    [Fact]
    public async Task ApplySavedPlan_Twice_SecondIsRefusedAsStale()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile);
        var first = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));
        var writesAfterFirst = bed.Writes;

        // Act
        var second = await bed.RunAsync("apply", "--plan", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, second.ExitCode);
        Assert.Equal(writesAfterFirst, bed.Writes);
    }

    [Fact]
    public async Task ApplySavedPlan_ReplayedAfterLiveStateWasPutBackByHand_RefusedAsSingleUse()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile);
        var before = bed.Emulator.Snapshot();
        var first = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));
        bed.Emulator.Reset(before);
        var writesAfterFirst = bed.Writes;

        // Act
        var replay = await bed.RunAsync("apply", planFile, "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("already applied", replay.Stderr);
        Assert.Equal(writesAfterFirst, bed.Writes);
    }

    [Fact]
    public async Task ApplySavedPlan_DesiredFileModified_Refused()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var yaml = bed.Temp.Write("tenants.yaml", File.ReadAllText(RepoFiles.Path("tenants.yaml")));
        var planFile = bed.Temp.File("plan.json");
        await bed.RunAsync("plan", "-f", yaml, "--out", planFile);
        File.AppendAllText(yaml, "# edited after review\n");

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", yaml);

        // Assert
        bed.AssertRefusedWithoutWrites(apply, "changed since the plan was made");
    }

    [Fact]
    public async Task Apply_EmptyRegistrationWithoutAllowEmpty_RefusedAndNoWriteInAnyRegistration()
    {
        // Arrange: registration 1 lists no tenants (4 live); registration 2 has an add that must not happen either.
        await using var bed = await CliTestBed.StartAsync();
        var yaml = bed.Temp.Write("tenants.yaml", Yaml(
            ("azurestack-8f3e1b2c", RegSub, []),
            ("azurestack-2d4c6e8a", Reg2Sub, [("9531985d-5d9d-49f8-9818-e811892f902b", "0fd630f1-f29d-4da9-953f-48f1a09f76b5"), ("923a7369-94e3-4f91-9a61-dbe22e44158b", "907a70c3-1012-4037-b64c-e4228c38fb29")])));

        // Act
        var refused = await bed.RunAsync("apply", "-f", yaml, "--auto-approve", "--confirm-removals", "4");
        var writesWhenRefused = bed.Writes;
        var allowed = await bed.RunAsync("apply", "-f", yaml, "--auto-approve", "--allow-empty", "--confirm-removals", "4");

        // Assert
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("empty-registration", refused.Stderr);
        Assert.Contains("--allow-empty", refused.Stderr);
        Assert.Contains("4", refused.Stderr);
        Assert.Equal(0, writesWhenRefused);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
    }

    [Fact]
    public async Task Apply_RemovalsAboveThreshold_NeedExactConfirmation()
    {
        // Arrange: 7 live mappings that tenants.yaml does not list, and one that it keeps.
        var state = StateWith(RegSub, "azurestack-8f3e1b2c", 8);
        await using var bed = await CliTestBed.StartAsync(state);
        var yaml = KeepingOnlyTheFirst(bed, state);

        // Act
        var refused = await bed.RunAsync("apply", "-f", yaml, "--auto-approve");
        var wrongCount = await bed.RunAsync("apply", "-f", yaml, "--auto-approve", "--confirm-removals", "6");
        var writesWhenRefused = bed.Writes;
        var confirmed = await bed.RunAsync("apply", "-f", yaml, "--auto-approve", "--confirm-removals", "7");

        // Assert
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("removal-threshold", refused.Stderr);
        Assert.Contains("--confirm-removals 7", refused.Stderr);
        Assert.Equal(1, wrongCount.ExitCode);
        Assert.Equal(0, writesWhenRefused);
        Assert.True(confirmed.ExitCode == 0, confirmed.ToString());
    }

    [Fact]
    public async Task Apply_RemovalsWithinThresholdRaisedOnTheCommandLine_Applies()
    {
        // Arrange
        var state = StateWith(RegSub, "azurestack-8f3e1b2c", 8);
        await using var bed = await CliTestBed.StartAsync(state);
        var yaml = KeepingOnlyTheFirst(bed, state);

        // Act
        var apply = await bed.RunAsync(["apply", "-f", yaml, "--auto-approve", "--max-removals", "10"]);

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    [Fact]
    public async Task Apply_YamlRaisesItsOwnThresholdInTheSameChange_RefusedWithNoWrite()
    {
        // Arrange: the change that drops 7 mappings also sets maxRemovals: 50 (terraform #17599): the file cannot loosen it.
        var state = StateWith(RegSub, "azurestack-8f3e1b2c", 8);
        await using var bed = await CliTestBed.StartAsync(state);
        var yaml = KeepingOnlyTheFirst(bed, state, maxRemovals: "50");

        // Act
        var apply = await bed.RunAsync(["apply", "-f", yaml, "--auto-approve"]);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("removal-threshold", apply.Stderr);
        Assert.Contains("--confirm-removals 7", apply.Stderr);
        Assert.Equal(8, bed.Emulator.Snapshot().Registrations[0].CustomerSubscriptions.Count);
    }

    [Fact]
    public async Task Apply_YamlLowersTheThreshold_Refused()
    {
        // Arrange: 2 removals, within the default of 5, but the file asks for at most 1.
        var state = StateWith(RegSub, "azurestack-8f3e1b2c", 3);
        await using var bed = await CliTestBed.StartAsync(state);
        var yaml = KeepingOnlyTheFirst(bed, state, maxRemovals: "1");

        // Act
        var apply = await bed.RunAsync(["apply", "-f", yaml, "--auto-approve", "--max-removals", "10"]);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("threshold of 1", apply.Stderr);
        Assert.Equal(3, bed.Emulator.Snapshot().Registrations[0].CustomerSubscriptions.Count);
    }

    [Fact]
    public async Task Apply_ProtectedTenantRemovedFromList_RefusedEvenWithEveryOverride()
    {
        // Arrange: tenant 90c192cf is live (ae97ba94) and protected; its entry is simply not in tenants.yaml.
        await using var bed = await CliTestBed.StartAsync();
        var original = File.ReadAllText(RepoFiles.Path("tenants.yaml"));
        var yaml = bed.Temp.Write("tenants.yaml", "protect:\n  - 90c192cf-d3ac-44af-8f21-ddb66cad4a26\n" + original);

        // Act
        var apply = await bed.RunAsync("apply", "-f", yaml, "--auto-approve", "--allow-empty", "--confirm-removals", "1", "--max-removals", "100");

        // Assert
        bed.AssertRefusedWithoutWrites(apply, "protected-tenant", "90c192cf-d3ac-44af-8f21-ddb66cad4a26", "protect:");
    }

    [Fact]
    public async Task Undo_AfterApply_PlansTheRestoreAndApplyingItRestoresTheLiveState()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var before = Mappings(bed.Emulator.Snapshot());
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve");
        var undoPlan = bed.Temp.File("undo.plan.json");

        // Act
        var writesBeforeUndo = bed.Writes;
        var undo = await bed.RunAsync("undo", "-f", RepoFiles.Path("tenants.yaml"), "--out", undoPlan);
        var writesByUndo = bed.Writes - writesBeforeUndo;
        var applyUndo = await bed.RunAsync("apply", undoPlan, "-f", RepoFiles.Path("tenants.yaml"), "--confirm-removals", "2");

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.True(applyUndo.ExitCode == 0, applyUndo.ToString());
        Assert.Equal(before, Mappings(bed.Emulator.Snapshot()));
        Assert.Equal(0, writesByUndo); // undo only plans
    }

    private static string[] Mappings(EmulatorState state) =>
        state.Registrations
            .SelectMany(r => r.CustomerSubscriptions.Select(c => $"{r.Name}|{c.SubscriptionId.ToUpperInvariant()}|{c.TenantId.ToUpperInvariant()}"))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static EmulatorState StateWith(string subscription, string name, int mappings) => new Scenario()
        .Have(new RegistrationRef(Guid.Parse(subscription), "azurestack", name), [.. Enumerable.Range(1, mappings).Select(i => (Scenario.Id("00000000", i), Scenario.Id("aaaaaaaa", i)))])
        .EmulatorState();

    /// <summary>tenants.yaml (written to the test bed) that keeps only the first live mapping of azurestack-8f3e1b2c in <paramref name="state"/>: the others are removals.</summary>
    private static string KeepingOnlyTheFirst(CliTestBed bed, EmulatorState state, string? maxRemovals = null)
    {
        var keep = state.Registrations[0].CustomerSubscriptions[0];
        return bed.Temp.Write("tenants.yaml", Yaml(("azurestack-8f3e1b2c", RegSub, [(keep.TenantId, keep.SubscriptionId)]), maxRemovals));
    }

    private static string Yaml(params (string Name, string Subscription, (string Tenant, string CustomerSubscription)[] Tenants)[] registrations) =>
        Yaml(registrations, maxRemovals: null);

    private static string Yaml((string Name, string Subscription, (string Tenant, string CustomerSubscription)[] Tenants) registration, string? maxRemovals) =>
        Yaml([registration], maxRemovals);

    private static string Yaml((string Name, string Subscription, (string Tenant, string CustomerSubscription)[] Tenants)[] registrations, string? maxRemovals)
    {
        var world = new Scenario();
        foreach (var (name, subscription, tenants) in registrations)
        {
            var registration = new RegistrationRef(Guid.Parse(subscription), "azurestack", name);
            world.Want(registration, [.. tenants.Select(t => (Guid.Parse(t.CustomerSubscription), Guid.Parse(t.Tenant)))]);
            if (maxRemovals is not null)
            {
                world.MaxRemovals(registration, int.Parse(maxRemovals, CultureInfo.InvariantCulture));
            }
        }

        return world.Yaml();
    }
}
