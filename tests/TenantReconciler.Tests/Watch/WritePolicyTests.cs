using TenantReconciler.Cli.Watch;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Tests.Watch;

public sealed class WritePolicyTests
{
    private static readonly RegistrationRef Registration = new(Guid.Parse("6513270e-269e-4d37-b2a7-4de452e6b438"), "azurestack", "azurestack-1");
    private static readonly Guid T1 = Guid.Parse("10000000-0000-0000-0000-000000000001");
    private static readonly Guid T2 = Guid.Parse("10000000-0000-0000-0000-000000000002");
    private static readonly Guid T3 = Guid.Parse("10000000-0000-0000-0000-000000000003");
    private static readonly Guid S1 = Guid.Parse("20000000-0000-0000-0000-000000000001");
    private static readonly Guid S2 = Guid.Parse("20000000-0000-0000-0000-000000000002");
    private static readonly Guid S3 = Guid.Parse("20000000-0000-0000-0000-000000000003");
    private static readonly Guid S9 = Guid.Parse("20000000-0000-0000-0000-000000000009");

    // Desired: S1→T1 (live: add), S2→T2 (live S2→T3: overwrite); live S9→T3... removed.
    private static (RegistrationPlan Plan, DesiredState Desired) Drifted(IReadOnlyList<Guid>? protect = null, int? maxRemovals = null)
    {
        var desired = Desired([(S1, T1), (S2, T2)], protect, maxRemovals);
        var live = new LiveRegistration(Registration, [new LiveMapping(S2.ToString(), S2, T3), new LiveMapping(S9.ToString(), S9, T3)]);
        return (Planner.ComputeRegistration(desired.Registrations[0], live), desired);
    }

    [Fact]
    public void Decide_ObserveMode_WritesNothing()
    {
        // Arrange
        var (plan, desired) = Drifted();

        // Act
        var decision = WritePolicy.Decide(plan, desired, WatchMode.Observe, suspended: false, leader: true);

        // Assert
        Assert.False(decision.HasWrites);
        Assert.Equal(WriteBlock.ObserveMode, decision.Blocked);
    }

    [Fact]
    public void Decide_ApplyMode_AddsAndOverwritesButWithholdsRemovals()
    {
        // Arrange
        var (plan, desired) = Drifted();

        // Act
        var decision = WritePolicy.Decide(plan, desired, WatchMode.Apply, suspended: false, leader: true);

        // Assert
        Assert.Equal(WriteBlock.None, decision.Blocked);
        Assert.All(decision.ToApply.Operations(), o => Assert.Equal(OperationKind.Put, o.Kind));
        Assert.Equal([ChangeAction.Add, ChangeAction.Overwrite], decision.ToApply.PendingChanges.Select(c => c.Action).Order());
        Assert.Equal([S9], decision.Withheld.Select(c => c.CustomerSubscriptionId));
    }

    [Fact]
    public void Decide_FullMode_AlsoRemoves()
    {
        // Arrange
        var (plan, desired) = Drifted();

        // Act
        var decision = WritePolicy.Decide(plan, desired, WatchMode.Full, suspended: false, leader: true);

        // Assert
        Assert.Contains(decision.ToApply.Operations(), o => o.Kind == OperationKind.Delete && o.CustomerSubscriptionName == S9.ToString());
        Assert.Empty(decision.Withheld);
    }

    [Theory]
    [InlineData(true, true, WriteBlock.Suspended)]
    [InlineData(false, false, WriteBlock.NotLeader)]
    public void Decide_SuspendedOrNotLeader_WritesNothing(bool suspended, bool leader, WriteBlock expected)
    {
        // Arrange
        var (plan, desired) = Drifted();

        // Act
        var decision = WritePolicy.Decide(plan, desired, WatchMode.Full, suspended, leader);

        // Assert
        Assert.False(decision.HasWrites);
        Assert.Equal(expected, decision.Blocked);
    }

    [Fact]
    public void Decide_FullModeRemovalOfProtectedTenant_GuardRefusesEveryWriteOfTheRegistration()
    {
        // Arrange: T3 is protected and loses both of its mappings.
        var (plan, desired) = Drifted(protect: [T3]);

        // Act
        var decision = WritePolicy.Decide(plan, desired, WatchMode.Full, suspended: false, leader: true);

        // Assert
        Assert.False(decision.HasWrites);
        Assert.Equal(WriteBlock.Guard, decision.Blocked);
        Assert.Contains(decision.Violations, v => v.Guard == PruneGuards.ProtectedTenant);
    }

    [Fact]
    public void Decide_FullModeOverTheRemovalThreshold_GuardRefuses()
    {
        // Arrange
        var (plan, desired) = Drifted(maxRemovals: 0);

        // Act
        var decision = WritePolicy.Decide(plan, desired, WatchMode.Full, suspended: false, leader: true);

        // Assert
        Assert.Equal(WriteBlock.Guard, decision.Blocked);
        Assert.Contains(decision.Violations, v => v.Guard == PruneGuards.RemovalThreshold);
    }

    [Fact]
    public void FilterForMode_ApplyModeMove_KeepsThePutDropsTheDelete()
    {
        // Arrange: T1 moves from S1 (not desired any more) to S3.
        var desired = Desired([(S3, T1)]);
        var live = new LiveRegistration(Registration, [new LiveMapping(S1.ToString(), S1, T1)]);
        var plan = Planner.ComputeRegistration(desired.Registrations[0], live);

        // Act
        var filtered = WritePolicy.FilterForMode(plan, WatchMode.Apply);

        // Assert
        Assert.Contains(plan.Operations(), o => o.Kind == OperationKind.Delete);
        var operation = Assert.Single(filtered.Operations());
        Assert.Equal(OperationKind.Put, operation.Kind);
        Assert.Equal(S3.ToString(), operation.CustomerSubscriptionName);
    }

    [Fact]
    public void Decide_InSync_NothingToDoAndNotBlocked()
    {
        // Arrange
        var desired = Desired([(S1, T1)]);
        var live = new LiveRegistration(Registration, [new LiveMapping(S1.ToString(), S1, T1)]);
        var plan = Planner.ComputeRegistration(desired.Registrations[0], live);

        // Act
        var decision = WritePolicy.Decide(plan, desired, WatchMode.Observe, suspended: true, leader: false);

        // Assert
        Assert.False(decision.HasWrites);
        Assert.Equal(WriteBlock.None, decision.Blocked);
    }

    private static DesiredState Desired(IReadOnlyList<(Guid Subscription, Guid Tenant)> tenants, IReadOnlyList<Guid>? protect = null, int? maxRemovals = null)
    {
        var location = new SourceLocation("tenants.yaml", 1, 1);
        return new DesiredState(
            "tenants.yaml",
            AzureCloud.AzureCloud,
            ApiVersions.Default,
            [new DesiredRegistration(Registration, tenants.Select(t => new DesiredTenant(t.Tenant, t.Subscription, null, location)).ToArray(), location, maxRemovals)],
            protect);
    }
}
