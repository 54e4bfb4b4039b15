namespace TenantReconciler.Tests.Leasing;

/// <summary>
/// The one behaviour that needs the real clock: a lease nobody renews expires (15 s, Azure's minimum). A class of its
/// own, so that it runs beside <see cref="CrashedLeaderTests"/> rather than after it.
/// </summary>
public sealed class LeaseExpiryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Duration = BlobLeaseLock.MinLeaseDuration;

    [AzuriteFact]
    public async Task AcquireAsync_LeaseAbandonedWithoutRelease_AcquiresOnceItExpires()
    {
        // Arrange: a holder that takes the lease and then neither renews nor releases it.
        var container = AzuriteFixture.NewContainer();
        var abandoned = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        var waiter = await azurite.LockAsync(container);
        var heldAtFirst = await waiter.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);

        // Act
        // The system clock on purpose: the abandoned lease ends on Azurite's clock, which no fake can advance.
        await using var handle = await waiter.AcquireAsync(Duration, TimeSpan.FromSeconds(90), TimeProvider.System, CancellationToken.None);
        var abandonedStillHeldIt = await abandoned!.RenewAsync(CancellationToken.None);

        // Assert
        Assert.NotNull(abandoned);
        Assert.Null(heldAtFirst);
        Assert.False(abandonedStillHeldIt); // by order: held at first, then acquired, then the abandoned one had lost it
    }
}
