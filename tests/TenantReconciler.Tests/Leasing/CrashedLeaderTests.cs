namespace TenantReconciler.Tests.Leasing;

/// <summary>
/// A leader that crashes (stops renewing, never releases) is replaced once its lease expires (Azurite's real clock, 15 s): asserted by order, not by elapsed time.
/// A class of its own, so that it runs beside <see cref="LeaseExpiryTests"/> rather than after it.
/// </summary>
public sealed class CrashedLeaderTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [AzuriteFact]
    public async Task RunAsync_LeaderCrashedWithoutRelease_OtherLeadsOnlyOnceTheLeaseHasExpired()
    {
        // Arrange: the crashed leader is a lease taken and abandoned (no renewal, no release).
        var container = AzuriteFixture.NewContainer();
        var options = new LeaderElectionOptions { LeaseDuration = BlobLeaseLock.MinLeaseDuration, RetryInterval = TimeSpan.FromMilliseconds(500) };
        var crashed = await (await azurite.LockAsync(container)).TryAcquireAsync(options.LeaseDuration, new FakeTimeProvider(), CancellationToken.None);
        // The system clock on purpose: the crashed leader's lease ends on Azurite's clock, which no fake can advance.
        var follower = new LeaderElector(await azurite.LockAsync(container), options, TimeProvider.System);
        var leads = LeaderElectorTests.LeadershipAsync(follower, true);
        using var stop = new CancellationTokenSource();

        // Act: the real clock, as the lease's expiry is Azurite's own; the timeout only bounds a failure.
        var heldByTheCrashed = await (await azurite.LockAsync(container)).TryAcquireAsync(options.LeaseDuration, new FakeTimeProvider(), CancellationToken.None);
        var run = follower.RunAsync(stop.Token);
        await leads.WaitAsync(TimeSpan.FromSeconds(90));
        var crashedStillHeldIt = await crashed!.RenewAsync(CancellationToken.None);
        var term = follower.LeadershipToken;
        await stop.CancelAsync();
        await run;

        // Assert: in this order: the crashed leader's lease refused others, the follower led, the crashed one had lost it.
        Assert.Null(heldByTheCrashed);
        Assert.False(crashedStillHeldIt);
        Assert.True(term.IsCancellationRequested);
    }
}
