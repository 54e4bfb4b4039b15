using static TenantReconciler.Tests.Applying.ApplyTestSupport;
using static TenantReconciler.Tests.Support.Scenario;

namespace TenantReconciler.Tests.Applying;

/// <summary>The applier's logic (moves, cancellation before the start) on the in-memory ARM.</summary>
public sealed class PlanApplierTests
{
    private static readonly Guid OldSubscription = Id("50000000", 1);
    private static readonly Guid NewSubscription = Id("50000000", 2);
    private static readonly Guid Removed = Id("50000000", 3);
    private static readonly Guid Added = Id("50000000", 4);
    private static readonly Guid Tenant = Id("60000000", 1);
    private static readonly Guid RemovedTenant = Id("60000000", 3);
    private static readonly Guid AddedTenant = Id("60000000", 4);

    [Fact]
    public async Task ApplyAsync_MoveWhosePutFails_DeleteIsNeverSentAndIndependentChangesRun()
    {
        // Arrange
        var arm = new Scenario().Have(A, (OldSubscription, Tenant), (Removed, RemovedTenant)).Arm();
        arm.FailWrite(A, NewSubscription, new ArmRequestException("PUT failed: 403 (AuthorizationFailed).", 403, "AuthorizationFailed", "req-403", null), "PUT");
        var move = Move(NewSubscription, Tenant, OldSubscription);
        var plan = new Plan([new RegistrationPlan(A, [.. new[] { move, Add(Added, AddedTenant), Remove(Removed, RemovedTenant) }.OrderBy(c => c.CustomerSubscriptionId)])]);

        // Act
        var result = await new PlanApplier(arm).ApplyAsync(plan, CancellationToken.None);

        // Assert
        var moveResult = Assert.Single(result.Results, r => ReferenceEquals(r.Change, move));
        Assert.Equal(ChangeOutcome.Failed, moveResult.Outcome);
        Assert.Equal("AuthorizationFailed", moveResult.ErrorCode);
        Assert.Equal(2, result.Count(ChangeOutcome.Done));
        Assert.DoesNotContain(arm.Writes, w => w.Method == "DELETE" && w.Subscription == OldSubscription);
        Assert.Contains(arm.Writes, w => w.Method == "DELETE" && w.Subscription == Removed);
        Assert.Equal(new Dictionary<Guid, Guid> { [OldSubscription] = Tenant, [Added] = AddedTenant }, arm.Get(A));
    }

    [Fact]
    public async Task ApplyAsync_MoveWhosePutSucceeds_DeletesTheOldSubscriptionAfterwards()
    {
        // Arrange
        var arm = new Scenario().Have(A, (OldSubscription, Tenant)).Arm();
        var plan = new Plan([new RegistrationPlan(A, [Move(NewSubscription, Tenant, OldSubscription)])]);

        // Act
        var result = await new PlanApplier(arm).ApplyAsync(plan, CancellationToken.None);

        // Assert
        Assert.True(result.Succeeded);
        Assert.Equal([("PUT", NewSubscription), ("DELETE", OldSubscription)], arm.Writes.Select(w => (w.Method, w.Subscription)));
        Assert.Equal(new Dictionary<Guid, Guid> { [NewSubscription] = Tenant }, arm.Get(A));
    }

    [Fact]
    public async Task ApplyAsync_AlreadyCancelled_SendsNothingAndReportsEveryChangeNotAttempted()
    {
        // Arrange
        var arm = new Scenario().Have(A).Arm();
        var plan = new Plan([new RegistrationPlan(A, [.. Enumerable.Range(1, 5).Select(i => Add(Id("70000000", i), Id("80000000", i)))])]);

        // Act
        var result = await new PlanApplier(arm).ApplyAsync(plan, new CancellationToken(canceled: true));

        // Assert
        Assert.All(result.Results, r => Assert.Equal(ChangeOutcome.NotAttempted, r.Outcome));
        Assert.Equal(5, result.Results.Count);
        Assert.Equal(0, arm.Puts + arm.Deletes);
    }
}
