using TenantReconciler.Reconciling;
using TenantReconciler.Stamps;
using static TenantReconciler.Tests.Stamps.StampFixtures;

namespace TenantReconciler.Tests.Stamps;

/// <summary>
/// Usage in the plan and the <c>billed-removal</c> guard, end to end: the CLI in process, the real pipeline, the
/// emulator's ARM and stamp over HTTPS. Fabrikam (30 units in the window) and Woodgrove (no usage) are mapped live;
/// tenants.yaml keeps Contoso only, so the plan removes both.
/// </summary>
public sealed class BilledRemovalTests
{
    private const string FabrikamCustomer = "1C6A7AB0-94DE-4C4A-A8A1-7C8B5C6D1E2F";
    private const string Woodgrove = "4a7e21c3-5b6d-4f8e-9a0b-1c2d3e4f5a6b";
    private const string WoodgroveCustomer = "2D7B8BC1-A5EF-4D5B-B9B2-8D9C6D7E2F30";

    [Fact]
    public async Task Plan_RemovalsOfTenantsWithAndWithoutUsage_EachShowsItsUsageAndTheGuardWarns()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync(WithRemovals());

        // Act
        var plan = await bed.RunAsync("plan", "-f", bed.WriteTenants());

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains($"    ! tenant {Fabrikam} used 30 units on 1 subscription of this stamp between 2026-11-24 and 2026-12-01 (UTC); after this change that usage is billed to the registration subscription {RegistrationSubscription}\n", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains($"    ! tenant {Woodgrove}: no usage in the last 7 days, between 2026-11-24 and 2026-12-01 (UTC); after this change its usage would be billed to the registration subscription {RegistrationSubscription}\n", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("billed-removal: registration azurestack-8f3e1b2c: 1 change(s) leave a tenant with usage unmapped", plan.Stderr, StringComparison.Ordinal);
        Assert.Contains($"tenant {Fabrikam} used 30 units", plan.Stderr, StringComparison.Ordinal);
        Assert.Contains("pass --allow-billed-removals, or --confirm-billed-removals 1", plan.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Writes(bed));
    }

    [Fact]
    public async Task Plan_DetailedExitCode_1BecauseApplyWouldRefuse()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync(WithRemovals());

        // Act
        var plan = await bed.RunAsync("plan", "-f", bed.WriteTenants(), "--detailed-exitcode");
        var allowed = await bed.RunAsync("plan", "-f", bed.WriteTenants(), "--detailed-exitcode", "--allow-billed-removals");

        // Assert
        Assert.Equal(1, plan.ExitCode);
        Assert.Equal(2, allowed.ExitCode);
    }

    [Fact]
    public async Task PlanJson_TheUsageObjectOnEachRemoval()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync(WithRemovals());

        // Act
        var plan = await bed.RunAsync("plan", "-f", bed.WriteTenants(), "-o", "json");

        // Assert
        using var document = JsonDocument.Parse(plan.Stdout);
        var changes = document.RootElement.GetProperty("registrations")[0].GetProperty("changes").EnumerateArray().ToArray();
        var fabrikam = changes.Single(c => c.GetProperty("previousTenantId").GetString() == Fabrikam).GetProperty("usage");
        Assert.Equal("used", fabrikam.GetProperty("kind").GetString());
        Assert.Equal(30m, fabrikam.GetProperty("quantity").GetDecimal());
        Assert.Equal(1, fabrikam.GetProperty("subscriptions").GetInt32());
        Assert.Equal(7, fabrikam.GetProperty("days").GetInt32());
        Assert.Equal(Today.AddDays(-7), fabrikam.GetProperty("windowStart").GetDateTimeOffset());
        var woodgrove = changes.Single(c => c.GetProperty("previousTenantId").GetString() == Woodgrove).GetProperty("usage");
        Assert.Equal("none", woodgrove.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, changes.Single(c => c.GetProperty("action").GetString() == "unchanged").GetProperty("usage").ValueKind);
        Assert.True(document.RootElement.GetProperty("applyWillRefuse").GetBoolean());
        Assert.Contains(document.RootElement.GetProperty("guards").EnumerateArray(), g => g.GetProperty("guard").GetString() == PruneGuards.BilledRemoval);
    }

    [Fact]
    public async Task Apply_BilledRemoval_RefusedAndNothingWritten()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync(WithRemovals());

        // Act
        var apply = await AutoApproveApplyAsync(bed);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("billed-removal", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Writes(bed));
    }

    [Theory]
    [InlineData("--allow-billed-removals")]
    [InlineData("--confirm-billed-removals", "1")]
    public async Task Apply_BilledRemovalAllowed_BothRemovalsWritten(params string[] allow)
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync(WithRemovals());

        // Act
        var apply = await AutoApproveApplyAsync(bed, allow);

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(2, bed.Emulator.Requests.Count(r => r.Method == "DELETE"));
        Assert.Single(bed.Emulator.Snapshot().Registrations[0].CustomerSubscriptions);
    }

    [Fact]
    public async Task Apply_ConfirmBilledRemovalsWrongCount_Refused()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync(WithRemovals());

        // Act
        var apply = await AutoApproveApplyAsync(bed, "--confirm-billed-removals", "2");

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Equal(0, Writes(bed));
    }

    [Fact]
    public async Task Apply_RemovalOfATenantWithoutUsage_NotGuarded()
    {
        // Arrange: only Woodgrove (no usage) is removed.
        await using var bed = await StampTestBed.StartAsync(WithRemovals(fabrikamMapped: false));

        // Act
        var apply = await AutoApproveApplyAsync(bed);

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(1, bed.Emulator.Requests.Count(r => r.Method == "DELETE"));
    }

    [Fact]
    public async Task Apply_UsageUnreadable_EveryRemovalRefusedAsUnknown()
    {
        // Arrange: the usage read answers 403; Woodgrove's "no usage" cannot be believed either.
        var state = WithRemovals(fabrikamMapped: false, stamp: Stamp() with { Faults = [UsageForbidden()] });
        await using var bed = await StampTestBed.StartAsync(state);

        // Act
        var plan = await bed.RunAsync("plan", "-f", bed.WriteTenants());
        var apply = await AutoApproveApplyAsync(bed);

        // Assert
        Assert.Contains($"    ! tenant {Woodgrove}: usage unknown: the stamp at https://127.0.0.1:", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("403 AuthorizationFailed", plan.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("billed-removal", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Writes(bed));
    }

    [Fact]
    public async Task Apply_RemovalOfAResellersTenant_RefusedAsNotVisible()
    {
        // Arrange: Northwind (under a delegated provider) is mapped live and removed.
        var state = WithRemovals(fabrikamMapped: false, woodgroveMapped: false, extra: new EmulatorCustomerSubscription { SubscriptionId = "3E8C9CD2-B6F0-4E6C-8AC3-9EAD7E8F3A41", TenantId = Northwind });
        await using var bed = await StampTestBed.StartAsync(state);

        // Act
        var apply = await AutoApproveApplyAsync(bed);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains($"tenant {Northwind}: usage unknown: 1 of its subscriptions are under the delegated provider {Reseller}", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Writes(bed));
    }

    [Fact]
    public async Task ApplyPlanFile_TenantGainedUsageSinceTheReview_RefusedAsAMismatch()
    {
        // Arrange: the plan removes Woodgrove while it has no usage; then Woodgrove uses the stamp.
        await using var bed = await StampTestBed.StartAsync(WithRemovals(fabrikamMapped: false));
        var saved = await SavePlanAsync(bed);
        bed.Emulator.Reset(WithUsage(bed.Emulator.Snapshot(), Usage(WoodgroveSub, DaysAgo(1), 5)));

        // Act
        var apply = await ApplySavedAsync(bed, saved);

        // Assert
        AssertMismatchRefused(bed, apply, reviewed: "[no usage in 7 days]", now: "[5 units in 7 days]");
    }

    [Fact]
    public async Task ApplyPlanFile_OnlyTheAmountChanged_NoMismatch()
    {
        // Arrange: Fabrikam used 30 at the review (allowed), 40 at the apply.
        await using var bed = await StampTestBed.StartAsync(WithRemovals(woodgroveMapped: false));
        var saved = await SavePlanAsync(bed, "--allow-billed-removals");
        bed.Emulator.Reset(WithUsage(bed.Emulator.Snapshot(), Usage(FabrikamSub, DaysAgo(2), 10)));

        // Act
        var apply = await ApplySavedAsync(bed, saved, "--allow-billed-removals");

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(1, bed.Emulator.Requests.Count(r => r.Method == "DELETE"));
    }

    [Fact]
    public async Task Plan_WithoutAStampBlock_TheStaticNoteAndNoStampRead()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync(WithRemovals());
        var file = bed.Temp.Write("plain.yaml", PlainYaml());

        // Act
        var plan = await bed.RunAsync("plan", "-f", file);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains($"    ! usage of tenant {Fabrikam} will be billed to the registration subscription {RegistrationSubscription}\n", plan.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("billed-removal", plan.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Emulator.Requests, r => r.PathAndQuery.StartsWith("/stamps/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Engine_FullScopeWithAStamp_RefusesLikeApplyAsWatchFullDoes()
    {
        // Arrange: the engine behind watch --mode full, with a usage source that says Fabrikam used 30.
        await using var bed = await StampTestBed.StartAsync(WithRemovals(woodgroveMapped: false));
        var desired = DesiredStateLoader.Load(bed.WriteTenants());
        var client = new ArmCustomerSubscriptionClient(Tests.Emulator.EmulatorPipeline.Create(bed.Emulator), new ArmConnection(bed.Emulator.BaseUri, "2017-06-01", Tests.Emulator.EmulatorPipeline.Scope));
        var usage = new FixedUsage(desired);

        // Act
        var outcome = await new Reconciler(client, usage).ReconcileAsync(desired, new ReconcilePolicy { Scope = WriteScope.Full }, CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.GuardRefused, outcome.Status);
        Assert.Equal(PruneGuards.BilledRemoval, Assert.Single(outcome.Violations).Guard);
        Assert.Equal(0, Writes(bed));
    }

    [Fact]
    public async Task ApplyPlanFile_UsageBecameUnknownSinceTheReview_RefusedAsAMismatch()
    {
        // Arrange: the plan removes Woodgrove while it has no usage; then the stamp's usage answers 403.
        await using var bed = await StampTestBed.StartAsync(WithRemovals(fabrikamMapped: false));
        var saved = await SavePlanAsync(bed);
        var state = bed.Emulator.Snapshot();
        bed.Emulator.Reset(WithStamp(state, stamp => stamp with { Faults = [UsageForbidden()] }));

        // Act
        var apply = await ApplySavedAsync(bed, saved);

        // Assert
        AssertMismatchRefused(bed, apply, reviewed: "[no usage in 7 days]", now: "[usage unknown]");
    }

    [Fact]
    public async Task ApplyPlanFile_UsageDroppedToNoneSinceTheReview_RefusedAsAMismatch()
    {
        // Arrange: Fabrikam used 30 at the review (allowed); by the apply that usage is gone (a figure that crossed zero).
        await using var bed = await StampTestBed.StartAsync(WithRemovals(woodgroveMapped: false));
        var saved = await SavePlanAsync(bed, "--allow-billed-removals");
        var state = bed.Emulator.Snapshot();
        bed.Emulator.Reset(WithStamp(state, stamp => stamp with { Usage = [.. stamp.Usage!.Where(u => !string.Equals(u.SubscriptionId, FabrikamSub, StringComparison.OrdinalIgnoreCase))] }));

        // Act
        var apply = await ApplySavedAsync(bed, saved, "--allow-billed-removals");

        // Assert
        AssertMismatchRefused(bed, apply, reviewed: "[30 units in 7 days]", now: "[no usage in 7 days]");
    }

    [Fact]
    public async Task PlanAndApply_StampReportsToAnotherRegistration_RemovalUsageUnknownNamingBothIdsAndRefused()
    {
        // Arrange: only Woodgrove (no usage) is removed, but the stamp's activation names another registration.
        const string other = "/subscriptions/d23f0824-128b-4f33-8c5c-7fd0a6a3a450/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-2d4c6e8a";
        await using var bed = await StampTestBed.StartAsync(WithRemovals(fabrikamMapped: false, stamp: Stamp(registrationId: other)));

        // Act
        var plan = await bed.RunAsync("plan", "-f", bed.WriteTenants());
        var apply = await AutoApproveApplyAsync(bed);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains($"    ! tenant {Woodgrove}: usage unknown: The stamp at https://127.0.0.1:", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains($"reports its usage to registration {other}, not to {RegistrationId}", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Warning: The stamp at https://127.0.0.1:", plan.Stderr, StringComparison.Ordinal);
        Assert.Contains($"reports its usage to registration {other}, not to {RegistrationId}: its stamp: block belongs under that registration (or the adminEndpoint is wrong). The usage of {RegistrationName} is unknown until it is fixed.\n", plan.Stderr, StringComparison.Ordinal);
        Assert.Contains("billed-removal", plan.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("billed-removal", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Writes(bed));
    }

    [Fact]
    public async Task Plan_StampReportsToAnotherRegistrationWithNothingRemoved_StillAWarningNamingBothIds()
    {
        // Arrange: nothing is removed, so no change carries the stamp's problem.
        const string other = "/subscriptions/d23f0824-128b-4f33-8c5c-7fd0a6a3a450/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-2d4c6e8a";
        await using var bed = await StampTestBed.StartAsync(State(Stamp(registrationId: other)));

        // Act
        var plan = await bed.RunAsync("plan", "-f", bed.WriteTenants(), "--detailed-exitcode");

        // Assert: a plan without changes, and the warning.
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains($"reports its usage to registration {other}, not to {RegistrationId}", plan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_UsageReportingDisabled_TheActivationsWarning()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync(State(Stamp() with { Activation = new EmulatorActivation { RegistrationId = RegistrationId, UsageReportingEnabled = false } }));

        // Act
        var plan = await bed.RunAsync("plan", "-f", bed.WriteTenants());

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("Warning: The stamp at https://127.0.0.1:", plan.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not report usage (usageReportingEnabled: false)", plan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_StampCaCertWithoutCaCert_TheArmEndpointDoesNotTrustIt()
    {
        // Arrange: the stamp and ARM are the same emulator with the same certificate, trusted for the stamp only.
        await using var bed = await StampTestBed.StartAsync(WithRemovals());

        // Act
        var plan = await bed.RunExactlyAsync("plan", "-f", bed.WriteTenants(), "--arm-endpoint", bed.Emulator.BaseUri.ToString(), "--auth", "emulator", "--stamp-auth", "emulator", "--stamp-ca-cert", bed.Pem);

        // Assert
        Assert.Equal(1, plan.ExitCode);
        Assert.Contains("--ca-cert", plan.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Emulator.Requests, r => r.PathAndQuery.Contains("/customerSubscriptions", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Plan_CaCertWithoutStampCaCert_TheStampIsNotTrustedAndUsageIsUnknown()
    {
        // Arrange: the ARM endpoint's certificate is trusted (--ca-cert); the stamp's is not.
        await using var bed = await StampTestBed.StartAsync(WithRemovals(fabrikamMapped: false));

        // Act
        var plan = await bed.RunExactlyAsync("plan", "-f", bed.WriteTenants(), "--arm-endpoint", bed.Emulator.BaseUri.ToString(), "--ca-cert", bed.Pem, "--auth", "emulator", "--stamp-auth", "emulator");

        // Assert: the listing worked; no stamp request got through TLS; the removal's usage is unknown, naming the option.
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains($"    ! tenant {Woodgrove}: usage unknown: ", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("--stamp-ca-cert FILE", plan.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Emulator.Requests, r => r.PathAndQuery.StartsWith("/stamps/", StringComparison.Ordinal));
        Assert.Contains("billed-removal", plan.Stderr, StringComparison.Ordinal);
    }

    private const string WoodgroveSub = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

    /// <summary><c>apply --auto-approve</c> of the fixture's tenants.yaml, with its own journal.</summary>
    private static Task<CliResult> AutoApproveApplyAsync(StampTestBed bed, params string[] options) =>
        bed.RunAsync(["apply", "-f", bed.WriteTenants(), "--auto-approve", "--journal", bed.Temp.File("journal.jsonl"), .. options]);

    private sealed record SavedPlan(string File, string Journal, string PlanFile);

    /// <summary>Writes the fixture's tenants.yaml and saves a plan of it (which must succeed) with its own journal.</summary>
    private static async Task<SavedPlan> SavePlanAsync(StampTestBed bed, params string[] options)
    {
        var saved = new SavedPlan(bed.WriteTenants(), bed.Temp.File("journal.jsonl"), bed.Temp.File("plan.json"));
        var plan = await bed.RunAsync(["plan", "-f", saved.File, "--out", saved.PlanFile, "--journal", saved.Journal, .. options]);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        return saved;
    }

    private static Task<CliResult> ApplySavedAsync(StampTestBed bed, SavedPlan saved, params string[] options) =>
        bed.RunAsync(["apply", saved.PlanFile, "-f", saved.File, "--journal", saved.Journal, .. options]);

    /// <summary>The saved plan was refused (exit 1) naming the usage at the review and the usage now, and nothing was written.</summary>
    private static void AssertMismatchRefused(StampTestBed bed, CliResult apply, string reviewed, string now)
    {
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains(reviewed, apply.Stderr, StringComparison.Ordinal);
        Assert.Contains(now, apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Writes(bed));
    }

    private static int Writes(StampTestBed bed) => bed.Emulator.Requests.Count(r => r.Method is "PUT" or "DELETE");

    /// <summary>The fixture's state with Fabrikam and Woodgrove (a direct tenant without usage) mapped live.</summary>
    private static EmulatorState WithRemovals(bool fabrikamMapped = true, bool woodgroveMapped = true, EmulatorStamp? stamp = null, EmulatorCustomerSubscription? extra = null)
    {
        var baseStamp = stamp ?? Stamp();
        var stampWithWoodgrove = baseStamp with
        {
            Subscriptions = [.. baseStamp.Subscriptions!, new EmulatorUserSubscription { SubscriptionId = WoodgroveSub, TenantId = Woodgrove, Offer = "silver" }],
        };
        var state = State(stampWithWoodgrove);
        var registration = state.Registrations[0];
        var mappings = new List<EmulatorCustomerSubscription>(registration.CustomerSubscriptions);
        if (fabrikamMapped)
        {
            mappings.Add(new EmulatorCustomerSubscription { SubscriptionId = FabrikamCustomer, TenantId = Fabrikam });
        }

        if (woodgroveMapped)
        {
            mappings.Add(new EmulatorCustomerSubscription { SubscriptionId = WoodgroveCustomer, TenantId = Woodgrove });
        }

        if (extra is not null)
        {
            mappings.Add(extra);
        }

        return state with { Registrations = [registration with { CustomerSubscriptions = mappings }] };
    }

    /// <summary>Fabrikam used 30 units; nobody else anything.</summary>
    private sealed class FixedUsage(DesiredState desired) : IUsageSource
    {
        public UsageWindow CurrentWindow => UsageWindow.LastCompleteDays(Clock(), 7);

        public Task<IReadOnlyList<StampReport>> ReadAsync(DesiredState state, CancellationToken cancellationToken)
        {
            var registration = desired.Registrations[0];
            var subscription = new StampSubscription(Guid.Parse(FabrikamSub), Guid.Parse(Fabrikam), "Enabled", Guid.Parse(Provider), null, null, null);
            var tenants = new Dictionary<Guid, TenantOnStamp>
            {
                [Guid.Parse(Fabrikam)] = new(Guid.Parse(Fabrikam), 30, [subscription], new Dictionary<Guid, decimal> { [Guid.Parse(FabrikamSub)] = 30 }),
            };
            return Task.FromResult<IReadOnlyList<StampReport>>(
            [
                new StampReport { Registration = registration.Registration, Stamp = registration.Stamp!, Window = CurrentWindow, Status = StampReadStatus.Complete, Tenants = tenants },
            ]);
        }
    }
}
