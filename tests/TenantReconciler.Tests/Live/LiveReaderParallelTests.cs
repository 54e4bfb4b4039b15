using static TenantReconciler.Tests.Support.Scenario;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// Registrations are listed side by side, fail-closed, and in the order a sequential read gives: the reader's logic, on
/// the in-memory ARM (that a cancelled listing aborts its HTTP request is the client's, in the emulator tests).
/// </summary>
public sealed class LiveReaderParallelTests
{
    [Fact]
    public async Task ReadAsync_ParallelListings_SameResultAndOrderAsSequential()
    {
        // Arrange: A's listing is held until B's has been answered, so the two are in flight together.
        var arm = new Scenario()
            .Have(A, (Id("30000000", 1), Id("40000000", 1)), (Id("30000000", 2), Id("40000000", 2)), (Id("30000000", 3), Id("40000000", 3)))
            .Have(B, (Id("30000000", 4), Id("40000000", 4)), (Id("30000000", 5), Id("40000000", 5)))
            .Arm();
        var bListed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        arm.BeforeList = r =>
        {
            if (r == B)
            {
                bListed.TrySetResult();
                return Task.CompletedTask;
            }

            return bListed.Task;
        };

        // Act
        var parallel = await LiveReader.ReadAsync(arm, [A, B], 4, CancellationToken.None);
        var sequential = await LiveReader.ReadAsync(arm, [A, B], 1, CancellationToken.None);

        // Assert
        Assert.Equal(2, arm.MaxConcurrentListings);
        Assert.Equal([A, B], parallel.Select(l => l.Registration));
        Assert.Equal(sequential.Select(l => LiveFingerprint.Of(l)), parallel.Select(l => LiveFingerprint.Of(l)));
    }

    [Fact]
    public async Task ReadAsync_OneListingFails_CancelsTheListingsStillRunningAndThrowsTheFailure()
    {
        // Arrange: A's listing hangs until it is cancelled; B's is refused, but only once A's is running (otherwise A
        // might be cancelled before it ever started).
        var arm = new Scenario().Have(A, (Id("30000000", 1), Id("40000000", 1))).Have(B, (Id("30000000", 2), Id("40000000", 2))).Arm();
        var aStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        arm.BeforeList = async r =>
        {
            if (r == B)
            {
                await aStarted.Task;
                throw InMemoryArm.Failure(403);
            }

            aStarted.TrySetResult();
            await never.Task;
        };
        var listing = LiveReader.ReadAsync(arm, [A, B], 4, CancellationToken.None);

        // Act
        var failure = await Assert.ThrowsAsync<ArmRequestException>(() => listing);

        // Assert: the failure is B's, and A's listing ended (it was cancelled, not left running).
        Assert.Equal("AuthorizationFailed", failure.ErrorCode);
        Assert.Equal(2, arm.Lists);
        Assert.Equal(0, arm.RunningListings);
    }
}
