using TenantReconciler.Leasing;

namespace TenantReconciler.Tests.Leasing;

/// <summary>
/// A leader that crashes (stops renewing, never releases) is replaced once its lease expires: real clock, 15 s.
/// A class of its own, so that it runs beside <see cref="LeaseExpiryTests"/> rather than after it.
/// </summary>
public sealed class CrashedLeaderTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [AzuriteFact]
    public async Task RunAsync_LeaderCrashedWithoutRelease_OtherLeadsAfterTheLeaseExpires()
    {
        // Arrange: the crashed leader is a lease taken and abandoned (no renewal, no release).
        var container = AzuriteFixture.NewContainer();
        var options = new LeaderElectionOptions { LeaseDuration = BlobLeaseLock.MinLeaseDuration, RetryInterval = TimeSpan.FromMilliseconds(500) };
        var crashed = await (await azurite.LockAsync(container)).TryAcquireAsync(options.LeaseDuration, CancellationToken.None);
        var crashedAt = TimeProvider.System.GetTimestamp();
        var follower = new LeaderElector(await azurite.LockAsync(container), options, TimeProvider.System);
        var leads = LeaderElectorTests.LeadershipAsync(follower, true);
        using var stop = new CancellationTokenSource();

        // Act
        var run = follower.RunAsync(stop.Token);
        await leads.WaitAsync(TimeSpan.FromSeconds(60));
        var takeover = TimeProvider.System.GetElapsedTime(crashedAt);
        var term = follower.LeadershipToken;
        await stop.CancelAsync();
        await run;

        // Assert
        Assert.NotNull(crashed);
        Assert.InRange(takeover, options.LeaseDuration - TimeSpan.FromSeconds(1), options.LeaseDuration + options.RetryInterval + TimeSpan.FromSeconds(10));
        Assert.True(term.IsCancellationRequested);
        Assert.False(await crashed.RenewAsync(CancellationToken.None));
    }
}
