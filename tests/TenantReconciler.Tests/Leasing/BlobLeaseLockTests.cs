using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace TenantReconciler.Tests.Leasing;

public sealed class BlobLeaseLockTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private const string OfflineConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteFixture.DevelopmentAccountKey + ";BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    [AzuriteFact]
    public async Task TryAcquireAsync_ContainerAndBlobMissing_CreatesEmptyBlobAndTakesLease()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var lease = await azurite.LockAsync(container);

        // Act
        await using var handle = await lease.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);

        // Assert
        Assert.NotNull(handle);
        BlobProperties properties = await (await azurite.BlobAsync(container)).GetPropertiesAsync();
        Assert.Equal(0, properties.ContentLength);
        Assert.Equal(LeaseState.Leased, properties.LeaseState);
        Assert.Equal(LeaseDurationType.Fixed, properties.LeaseDuration);
        Assert.Equal(BlobLeaseLock.LocalHolder, properties.Metadata["holder"]);
    }

    [AzuriteFact]
    public async Task TryAcquireAsync_BlobHasContent_KeepsContent()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var blob = await azurite.BlobAsync(container);
        await blob.GetParentBlobContainerClient().CreateAsync();
        await blob.UploadAsync(BinaryData.FromString("kept"));
        var lease = await azurite.LockAsync(container);

        // Act
        await using var handle = await lease.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);

        // Assert
        Assert.NotNull(handle);
        Assert.Equal("kept", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    [AzuriteFact]
    public async Task TryAcquireAsync_HeldByAnother_ReturnsNull()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        await using var first = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        var second = await azurite.LockAsync(container);

        // Act
        var handle = await second.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);

        // Assert
        Assert.NotNull(first);
        Assert.Null(handle);
    }

    [AzuriteFact]
    public async Task TryAcquireAsync_ManyRacingOnFirstUse_ExactlyOneWins()
    {
        // Arrange: every contender finds the container and the blob missing and races to create them.
        var container = AzuriteFixture.NewContainer();
        var contenders = new List<BlobLeaseLock>();
        for (var i = 0; i < 8; i++)
        {
            contenders.Add(await azurite.LockAsync(container));
        }

        // Act
        var handles = await Task.WhenAll(contenders.Select(c => c.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None)));

        // Assert
        var winner = Assert.Single(handles, h => h is not null);
        await winner!.ReleaseAsync(CancellationToken.None);
    }

    [AzuriteFact]
    public async Task TryAcquireAsync_SameLeaseIdWhileHeld_TakesItAgainButOtherIdsDoNot()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var lease = await azurite.LockAsync(container);
        var leaseId = Guid.NewGuid().ToString();
        await using var held = await lease.TryAcquireAsync(Duration, leaseId, new FakeTimeProvider(), CancellationToken.None);

        // Act
        var again = await lease.TryAcquireAsync(Duration, leaseId, new FakeTimeProvider(), CancellationToken.None);
        var other = await lease.TryAcquireAsync(Duration, Guid.NewGuid().ToString(), new FakeTimeProvider(), CancellationToken.None);

        // Assert
        Assert.NotNull(held);
        Assert.Equal(leaseId, again?.LeaseId);
        Assert.Null(other);
    }

    [AzuriteFact]
    public async Task ReleaseAsync_Held_AnotherCanAcquire()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var first = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        var second = await azurite.LockAsync(container);

        // Act
        await first!.ReleaseAsync(CancellationToken.None);
        await using var handle = await second.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);

        // Assert
        Assert.NotNull(handle);
        Assert.NotEqual(first.LeaseId, handle.LeaseId);
    }

    [AzuriteFact]
    public async Task ReleaseAsync_CalledTwiceThenDisposed_DoesNotThrowAndRenewReportsLost()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var handle = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);

        // Act
        await handle!.ReleaseAsync(CancellationToken.None);
        await handle.ReleaseAsync(CancellationToken.None);
        await handle.DisposeAsync();
        var renewed = await handle.RenewAsync(CancellationToken.None);

        // Assert
        Assert.False(renewed);
        Assert.Null(await (await azurite.LockAsync(container)).GetHolderAsync(CancellationToken.None));
    }

    [AzuriteFact]
    public async Task DisposeAsync_Held_ReleasesLease()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var lease = await azurite.LockAsync(container);

        // Act
        await using (await lease.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None))
        {
        }

        // Assert
        await using var next = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        Assert.NotNull(next);
    }

    [AzuriteFact]
    public async Task RenewAsync_Held_ReturnsTrueAndKeepsOthersOut()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        await using var handle = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        var other = await azurite.LockAsync(container);

        // Act
        var renewed = await handle!.RenewAsync(CancellationToken.None);

        // Assert
        Assert.True(renewed);
        Assert.Null(await other.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None));
    }

    [AzuriteFact]
    public async Task RenewAsync_LeaseBrokenAndTakenByAnother_ReturnsFalseAndDisposeLeavesTheOtherLease()
    {
        // Arrange: an operator breaks the lease, and another writer takes it.
        var container = AzuriteFixture.NewContainer();
        var lost = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        await (await azurite.BlobAsync(container)).GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        await using var taker = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);

        // Act
        var renewed = await lost!.RenewAsync(CancellationToken.None);
        await lost.DisposeAsync();

        // Assert
        Assert.NotNull(taker);
        Assert.False(renewed);
        Assert.Null(await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None));
        Assert.True(await taker.RenewAsync(CancellationToken.None));
    }

    [AzuriteFact]
    public async Task AcquireAsync_HeldForLongerThanWait_ThrowsReconcilerExceptionNamingBlobAndHolder()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        await using var holder = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        var waiter = await azurite.LockAsync(container);
        var time = new TimerRecordingTimeProvider();

        // Act: tries at 0, 1 and 2 seconds, then gives up.
        var acquiring = waiter.AcquireAsync(Duration, TimeSpan.FromSeconds(2), time, CancellationToken.None);
        for (var i = 0; i < 2; i++)
        {
            await time.WaitForTimerAsync(PollInterval);
            time.Advance(PollInterval);
        }

        var error = await Assert.ThrowsAsync<ReconcilerException>(() => acquiring);

        // Assert
        Assert.NotNull(holder);
        Assert.Contains($"the lock {waiter.BlobUri} is held by another writer ({BlobLeaseLock.LocalHolder}, since ", error.Message, StringComparison.Ordinal);
        Assert.Contains("gave up after waiting 2 s", error.Message, StringComparison.Ordinal);
        Assert.Contains(container + "/" + AzuriteFixture.BlobName, waiter.BlobUri.ToString(), StringComparison.Ordinal);
    }

    [AzuriteFact]
    public async Task AcquireAsync_HolderReleasesWhileWaiting_Acquires()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var holder = await (await azurite.LockAsync(container)).TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        var waiter = await azurite.LockAsync(container);
        var time = new TimerRecordingTimeProvider();
        var acquiring = waiter.AcquireAsync(Duration, TimeSpan.FromMinutes(1), time, CancellationToken.None);
        await time.WaitForTimerAsync(PollInterval); // the first try found it held

        // Act
        await holder!.ReleaseAsync(CancellationToken.None);
        time.Advance(PollInterval);
        await using var handle = await acquiring;

        // Assert
        Assert.NotNull(handle);
        Assert.Equal(BlobLeaseLock.LocalHolder, (await waiter.GetHolderAsync(CancellationToken.None))?.Holder);
    }

    [AzuriteFact]
    public async Task AcquireAsync_Free_AcquiresWithoutWaiting()
    {
        // Arrange
        var lease = await azurite.LockAsync(AzuriteFixture.NewContainer());

        // Act
        await using var handle = await lease.AcquireAsync(Duration, TimeSpan.Zero, new TimerRecordingTimeProvider(), CancellationToken.None);

        // Assert
        Assert.NotNull(handle);
    }

    [AzuriteFact]
    public async Task GetHolderAsync_BlobMissing_ReturnsNull()
    {
        // Arrange
        var lease = await azurite.LockAsync(AzuriteFixture.NewContainer());

        // Act
        var holder = await lease.GetHolderAsync(CancellationToken.None);

        // Assert
        Assert.Null(holder);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    [InlineData(61)]
    [InlineData(-1)]
    public async Task TryAcquireAsync_DurationOutsideAzureRange_ThrowsBeforeAnyRequest(int seconds)
    {
        // Arrange: nothing listens on port 1, so a request would fail differently.
        var lease = BlobLeaseLock.FromConnectionString(OfflineConnectionString, "container", "blob");

        // Act
        var act = () => lease.TryAcquireAsync(TimeSpan.FromSeconds(seconds), new FakeTimeProvider(), CancellationToken.None);

        // Assert
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("duration", act);
    }

    [Fact]
    public void Create_UriWithoutBlobName_Throws()
    {
        // Arrange
        var uri = new Uri("https://account.blob.core.windows.net/container");

        // Act
        var act = () => BlobLeaseLock.Create(uri, new TenantReconciler.Live.EmulatorTokenCredential());

        // Assert
        Assert.Throws<ArgumentException>("blob", act);
    }

    [Fact]
    public void Create_UriWithSasQuery_BlobUriHasNoQuery()
    {
        // Arrange
        var uri = new Uri("https://account.blob.core.windows.net/locks/reconciler.lock?sv=2024-01-01&sig=secret");

        // Act
        var lease = BlobLeaseLock.Create(uri, new TenantReconciler.Live.EmulatorTokenCredential());

        // Assert
        Assert.Equal("https://account.blob.core.windows.net/locks/reconciler.lock", lease.BlobUri.ToString());
    }
}
