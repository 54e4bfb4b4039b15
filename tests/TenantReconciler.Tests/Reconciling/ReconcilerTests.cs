using Microsoft.AspNetCore.Http;
using TenantReconciler.Applying;
using TenantReconciler.Desired;
using TenantReconciler.Emulator;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;
using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Reconciling;

/// <summary>The one engine, through the real client and pipeline against the emulator over HTTPS.</summary>
public sealed class ReconcilerTests
{
    private static readonly Guid T1 = Guid.Parse("10000000-0000-0000-0000-000000000001");
    private static readonly Guid T2 = Guid.Parse("10000000-0000-0000-0000-000000000002");
    private static readonly Guid T3 = Guid.Parse("10000000-0000-0000-0000-000000000003");
    private static readonly Guid S1 = Guid.Parse("20000000-0000-0000-0000-000000000001");
    private static readonly Guid S2 = Guid.Parse("20000000-0000-0000-0000-000000000002");
    private static readonly Guid S3 = Guid.Parse("20000000-0000-0000-0000-000000000003");
    private static readonly Guid S9 = Guid.Parse("20000000-0000-0000-0000-000000000009");

    [Fact]
    public async Task ReconcileAsync_NoRemovalsScopeAndAProtectedTenantMoves_RefusedWithNoWrite()
    {
        // Arrange: T1 moves from S1 (not desired) to S3. The scope drops the DELETE, but under replace semantics the PUT
        // alone moves the mapping: the guard must judge the full plan (issue 7, item 5).
        await using var emulator = await StartEmulatorAsync(Seed((S1, T1)));
        var desired = Desired([(S3, T1)], protect: [T1]);

        // Act
        var outcome = await Engine(emulator).ReconcileAsync(desired, new ReconcilePolicy { Scope = WriteScope.NoRemovals }, CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.GuardRefused, outcome.Status);
        Assert.Contains(outcome.Violations, v => v.Guard == PruneGuards.ProtectedTenant);
        Assert.Empty(emulator.CommittedWrites);
    }

    [Fact]
    public async Task ReconcileAsync_NoRemovalsScope_WritesAddsAndOverwritesAndWithholdsTheRemoval()
    {
        // Arrange: S1→T1 is an add, S2 T3→T2 an overwrite, S9 a removal.
        await using var emulator = await StartEmulatorAsync(Seed((S2, T3), (S9, T3)));
        var desired = Desired([(S1, T1), (S2, T2)]);

        // Act
        var outcome = await Engine(emulator).ReconcileAsync(desired, new ReconcilePolicy { Scope = WriteScope.NoRemovals }, CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.Applied, outcome.Status);
        Assert.Equal([S9], outcome.Withheld.Select(w => w.Change.CustomerSubscriptionId));
        Assert.All(emulator.CommittedWrites, w => Assert.Equal("PUT", w.Method));
        Assert.Equal(new Dictionary<Guid, Guid> { [S1] = T1, [S2] = T2, [S9] = T3 }, State(emulator, RegistrationA));
    }

    [Fact]
    public async Task ReconcileAsync_NoneScope_ReportsDriftAndGuardsAndWritesNothing()
    {
        // Arrange
        await using var emulator = await StartEmulatorAsync(Seed((S2, T3), (S9, T3)));
        var desired = Desired([(S1, T1), (S2, T2)], protect: [T3]);

        // Act
        var outcome = await Engine(emulator).ReconcileAsync(desired, new ReconcilePolicy { Scope = WriteScope.None }, CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.Drift, outcome.Status);
        Assert.NotEmpty(outcome.Violations);
        Assert.Equal(3, outcome.Withheld.Count);
        Assert.Empty(emulator.CommittedWrites);
    }

    [Fact]
    public async Task ReconcileAsync_FileSaysSuspend_SuspendedWithNoWriteInEveryScope()
    {
        // Arrange
        await using var emulator = await StartEmulatorAsync(Seed((S2, T3)));
        var desired = Desired([(S1, T1)]) with { Suspend = true };

        // Act
        var full = await Engine(emulator).ReconcileAsync(desired, new ReconcilePolicy(), CancellationToken.None);
        var ignored = await Engine(emulator).ReconcileAsync(desired, new ReconcilePolicy { IgnoreSuspend = true, Guards = new GuardOverrides() }, CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.Suspended, full.Status);
        Assert.Equal(ReconcileStatus.Applied, ignored.Status);
    }

    [Fact]
    public async Task ReconcileAsync_YamlRaisesItsOwnThreshold_StillRefusedAtTheDefault()
    {
        // Arrange: 6 removals, and the same file says maxRemovals: 50.
        var live = Enumerable.Range(1, 6).Select(i => (Guid.Parse($"30000000-0000-0000-0000-{i:D12}"), Guid.Parse($"40000000-0000-0000-0000-{i:D12}"))).ToArray();
        await using var emulator = await StartEmulatorAsync(Seed(live));
        var desired = Desired([], maxRemovals: 50);

        // Act
        var outcome = await Engine(emulator).ReconcileAsync(desired, new ReconcilePolicy { Guards = new GuardOverrides(AllowEmpty: true) }, CancellationToken.None);
        var raised = await Engine(emulator).ReconcileAsync(desired, new ReconcilePolicy { Guards = new GuardOverrides(AllowEmpty: true, MaxRemovals: 6) }, CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.GuardRefused, outcome.Status);
        Assert.Contains(outcome.Violations, v => v.Guard == PruneGuards.RemovalThreshold);
        Assert.Equal(ReconcileStatus.Applied, raised.Status);
    }

    [Fact]
    public async Task ReconcileAsync_StopStartingBeforeTheWrites_NothingStartsAndTheOutcomeIsInterrupted()
    {
        // Arrange: the listing passes; the stop comes when the first write is announced.
        await using var emulator = await StartEmulatorAsync(Seed());
        using var stop = new CancellationTokenSource();
        var desired = Desired([(S1, T1), (S2, T2), (S3, T3)]);
        var policy = new ReconcilePolicy { StopStarting = stop.Token, Parallelism = 1, Observer = new StopOnFirstStart(stop) };

        // Act
        var outcome = await Engine(emulator).ReconcileAsync(desired, policy, CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.Interrupted, outcome.Status);
        Assert.All(outcome.Applied!.Results, r => Assert.Equal(ChangeOutcome.NotAttempted, r.Outcome));
        Assert.Empty(emulator.CommittedWrites);
    }

    [Fact]
    public async Task ReconcileAsync_OneListingFails_ListFailedAndNoWriteInAnyRegistration()
    {
        // Arrange: B's listing is refused; A alone would need a write.
        await using var emulator = await StartEmulatorAsync(
            new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = new Dictionary<Guid, Guid>(), [RegistrationB] = new Dictionary<Guid, Guid>() },
            (context, next) => context.Request.Method == "GET" && context.Request.Path.Value!.Contains(RegistrationB.Name, StringComparison.OrdinalIgnoreCase)
                ? WriteErrorAsync(context, StatusCodes.Status403Forbidden, "AuthorizationFailed")
                : next(context));
        var desired = Desired([(S1, T1)]) with
        {
            Registrations =
            [
                new DesiredRegistration(RegistrationA, [Tenant(S1, T1)], Here),
                new DesiredRegistration(RegistrationB, [Tenant(S2, T2)], Here),
            ],
        };

        // Act
        var outcome = await Engine(emulator).ReconcileAsync(desired, new ReconcilePolicy(), CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.ListFailed, outcome.Status);
        Assert.Equal("AuthorizationFailed", Assert.IsType<ArmRequestException>(outcome.Error).ErrorCode);
        Assert.Null(outcome.Plan);
        Assert.Empty(emulator.CommittedWrites);
    }

    [Fact]
    public async Task ReconcileAsync_RecorderRefusesTheClaim_ClaimRefusedWithNoWrite()
    {
        // Arrange
        await using var emulator = await StartEmulatorAsync(Seed());
        var desired = Desired([(S1, T1)]);

        // Act
        var outcome = await Engine(emulator).ReconcileAsync(desired, new ReconcilePolicy { Recorder = new RefusingRecorder() }, CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.ClaimRefused, outcome.Status);
        Assert.Empty(emulator.CommittedWrites);
    }

    private static readonly SourceLocation Here = new("tenants.yaml", 1, 1);

    private static Reconciler Engine(ArmEmulator emulator) => new(CreateClient(emulator));

    private static Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> Seed(params (Guid Subscription, Guid Tenant)[] mappings) =>
        new() { [RegistrationA] = mappings.ToDictionary(m => m.Subscription, m => m.Tenant) };

    private static DesiredTenant Tenant(Guid subscription, Guid tenant) => new(tenant, subscription, null, Here);

    private static DesiredState Desired(IReadOnlyList<(Guid Subscription, Guid Tenant)> tenants, IReadOnlyList<Guid>? protect = null, int? maxRemovals = null) =>
        new("tenants.yaml", AzureCloud.AzureCloud, ApiVersions.Default,
            [new DesiredRegistration(RegistrationA, tenants.Select(t => Tenant(t.Subscription, t.Tenant)).ToArray(), Here, maxRemovals)], protect);

    private sealed class StopOnFirstStart(CancellationTokenSource stop) : IApplyObserver
    {
        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
        {
            stop.Cancel();
            return ValueTask.CompletedTask;
        }

        public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;
    }

    private sealed class RefusingRecorder : IApplyRecorder
    {
        public Task BeginAsync(Plan plan, ApprovedPlan? approved, CancellationToken cancellationToken) => throw new ReconcilerException("plan was already applied.");

        public Task EndAsync(ApplyResult result, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;
    }
}
