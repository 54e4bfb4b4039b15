using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;
using TenantReconciler.Tests.Support;
using static TenantReconciler.Tests.Support.Scenario;

namespace TenantReconciler.Tests.Reconciling;

/// <summary>
/// What the engine tells its caller during a run (<see cref="IReconcileCaller"/>: the one observer, begun, told each
/// request, ended) and the requeue hint of its outcome, on the in-memory ARM.
/// </summary>
public sealed class ReconcileCallerTests
{
    private static readonly Guid T1 = Id("10000000", 1);
    private static readonly Guid S1 = Id("20000000", 1);

    [Theory]
    [InlineData(503, Requeue.Retry)]
    [InlineData(429, Requeue.Retry)]
    [InlineData(403, Requeue.AtInterval)]
    public async Task ReconcileAsync_ListingFails_RequeueSaysWhetherARetrySoonIsWorthIt(int status, Requeue expected)
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var arm = world.Arm();
        arm.BeforeList = _ => Task.FromException(InMemoryArm.Failure(status));

        // Act
        var outcome = await new Reconciler(arm).ReconcileAsync(world.Desired(), new ReconcilePolicy(), CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.ListFailed, outcome.Status);
        Assert.Equal(expected, outcome.Requeue);
    }

    [Fact]
    public async Task ReconcileAsync_Converges_NoRequeueBeforeTheInterval()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A);

        // Act
        var outcome = await new Reconciler(world.Arm()).ReconcileAsync(world.Desired(), new ReconcilePolicy(), CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.Applied, outcome.Status);
        Assert.Equal(Requeue.AtInterval, outcome.Requeue);
    }

    [Fact]
    public async Task ReconcileAsync_Writes_TheObserverIsBegunWithThePlanToldEachRequestThenEnded()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var observer = new Recording();

        // Act
        var outcome = await new Reconciler(world.Arm()).ReconcileAsync(world.Desired(), new ReconcilePolicy(), new UnattendedCaller { Observer = observer }, CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.Applied, outcome.Status);
        Assert.Equal(["begin 1", "starting PUT", "completed PUT", "end 1"], observer.Calls);
    }

    [Fact]
    public async Task ReconcileAsync_ObserverFailsDuringTheWrites_ThePartnerIsEndedWithNoResultAndTheFailurePropagates()
    {
        // Arrange: the first observer (a journal, say) fails on the first request; the second (progress) must be ended.
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var progress = new Recording();
        var caller = new UnattendedCaller { Observer = new ApplyObservers(new Recording { FailOnStart = true }, progress) };

        // Act
        var error = await Assert.ThrowsAsync<IOException>(() => new Reconciler(world.Arm()).ReconcileAsync(world.Desired(), new ReconcilePolicy(), caller, CancellationToken.None));

        // Assert
        Assert.Equal("disk full", error.Message);
        Assert.Equal(["begin 1", "end none"], progress.Calls);
    }

    private sealed class Recording : IApplyObserver
    {
        public List<string> Calls { get; } = [];

        public bool FailOnStart { get; init; }

        public Task BeginAsync(Plan plan, PlanClaim? claim, CancellationToken cancellationToken)
        {
            Calls.Add($"begin {plan.Registrations.Sum(r => r.PendingChanges.Count())}");
            return Task.CompletedTask;
        }

        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
        {
            if (FailOnStart)
            {
                throw new IOException("disk full");
            }

            Calls.Add($"starting {operation.Kind.ToString().ToUpperInvariant()}");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
        {
            Calls.Add($"completed {operation.Kind.ToString().ToUpperInvariant()}");
            return ValueTask.CompletedTask;
        }

        public Task EndAsync(ApplyResult? result, CancellationToken cancellationToken)
        {
            Calls.Add(result is null ? "end none" : $"end {result.Results.Count}");
            return Task.CompletedTask;
        }
    }
}
