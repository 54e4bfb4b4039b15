using TenantReconciler.Tests.Leasing;

namespace TenantReconciler.Tests.Cli;

/// <summary><c>apply --lock</c> against a real Azurite: the same blob lease as the watch service serialises writers.</summary>
public sealed class ApplyLockTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [AzuriteFact]
    public async Task Apply_LockHeldByAnotherWriter_GivesUpWithZeroWrites_ThenAppliesOnceReleased()
    {
        // Arrange: another writer (the service, say) holds the lease.
        await using var bed = await CliTestBed.StartAsync();
        var container = AzuriteFixture.NewContainer();
        var other = await azurite.LockAsync(container);
        var held = await other.TryAcquireAsync(TimeSpan.FromSeconds(60), new FakeTimeProvider(), CancellationToken.None);
        Assert.NotNull(held);
        string[] lockArgs = ["--lock-connection-string", await azurite.GetConnectionStringAsync(), "--lock-container", container, "--lock-blob-name", AzuriteFixture.BlobName];

        // Act
        var blocked = await bed.RunAsync(["apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--lock-wait", "1", .. lockArgs]);
        var writesWhileBlocked = bed.Writes;
        await held!.ReleaseAsync(CancellationToken.None);
        var applied = await bed.RunAsync(["apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", .. lockArgs]);
        var reacquired = await other.TryAcquireAsync(TimeSpan.FromSeconds(15), new FakeTimeProvider(), CancellationToken.None);

        // Assert
        Assert.Equal(1, blocked.ExitCode);
        Assert.Contains("held by another writer", blocked.Stderr);
        Assert.DoesNotContain("AccountKey", blocked.Stderr + blocked.Stdout);
        Assert.Equal(0, writesWhileBlocked);
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.NotNull(reacquired); // the apply released the lease
        await reacquired!.ReleaseAsync(CancellationToken.None);
    }
}
