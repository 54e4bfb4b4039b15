namespace TenantReconciler.Tests.Watch;

/// <summary>The watch command's options and the lease factory, up to the point where a host would start.</summary>
public sealed class WatchCommandTests
{
    [Theory]
    [InlineData("--interval", "0s", "--interval must be a duration from 1s to 24h")]
    [InlineData("--interval", "soon", "--interval must be a duration")]
    [InlineData("--mode", "yolo", "yolo")]
    [InlineData("--listen", "8080", "--listen '8080' is not HOST:PORT")]
    [InlineData("--lease-duration", "5s", "--lease-duration must be a duration from 15s to 1m")]
    [InlineData("--application-id", "a name with spaces", "--application-id must be 1 to 24 characters without spaces")]
    public async Task Watch_InvalidOption_RefusedBeforeStarting(string option, string value, string expected)
    {
        // Act
        var result = await CliRunner.RunAsync("watch", option, value);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
    }

    [Fact]
    public async Task Watch_LeaseBlobAndConnectionString_RefusedAsConflicting()
    {
        // Act
        var result = await CliRunner.RunAsync(
            "watch", "--lease-blob", "https://account.blob.core.windows.net/locks/leader.lock", "--lease-connection-string", "UseDevelopmentStorage=true");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("either as --lease-blob URL or with --lease-connection-string, not both", result.Stderr);
    }

    [Fact]
    public async Task Watch_LeaseBlobUrlWithTokenCredential_ElectsThroughThatBlob()
    {
        // Arrange: a lease blob that cannot be reached (port 9 on loopback): the service still starts, and observes.
        using var temp = new TempDirectory();
        var file = temp.Write("tenants.yaml", WatchHarness.Yaml());
        await using var emulator = await TenantReconciler.Emulator.ArmEmulator.StartAsync(new TenantReconciler.Emulator.EmulatorOptions { InitialState = WatchEndToEndTests.Converged() });

        // Act
        await using var watch = await WatchRun.StartAsync(emulator, temp, file, options: ["--lease-blob", "https://127.0.0.1:9/devstoreaccount1/locks/leader.lock"]);
        var tick = await watch.Events.NextAsync<TenantReconciler.Cli.Watch.TickReport>();
        var (_, status) = await watch.GetAsync("/status");

        // Assert: a follower (it never got the lease), observing, naming the blob.
        Assert.False(tick.Leader);
        Assert.Contains("\"leaseBlob\": \"https://127.0.0.1:9/devstoreaccount1/locks/leader.lock\"", status);
        Assert.Contains("\"leader\": false", status);
    }

    [Fact]
    public void Create_UnusableConnectionString_ErrorNeverQuotesIt()
    {
        // Arrange
        const string Secret = "AccountKey=c2VjcmV0LWtleQ==;not-a-connection-string";
        var lease = new LeaseArguments(null, Secret, LeaseArguments.DefaultContainer, LeaseArguments.DefaultBlobName, LeaseArguments.DefaultDuration);

        // Act
        var error = Assert.Throws<ReconcilerException>(() => LeaseLockFactory.Create(lease, new CredentialFactory(), AuthKind.Default));

        // Assert
        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, lease.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://account.blob.core.windows.net/locks/leader.lock")]
    [InlineData("https://account.blob.core.windows.net/")]
    public void Create_UnusableBlobUrl_Refused(string url)
    {
        // Arrange
        var lease = new LeaseArguments(new Uri(url), null, LeaseArguments.DefaultContainer, LeaseArguments.DefaultBlobName, LeaseArguments.DefaultDuration);

        // Act
        var act = () => LeaseLockFactory.Create(lease, new CredentialFactory(), AuthKind.Default);

        // Assert
        Assert.Throws<ReconcilerException>(act);
    }

    [Fact]
    public void Create_BlobUrlWithSas_DescribedWithoutTheQuery()
    {
        // Arrange
        var lease = new LeaseArguments(
            new Uri("https://account.blob.core.windows.net/locks/leader.lock?sv=2024&sig=secret"), null, "c", "b", LeaseArguments.DefaultDuration);

        // Act
        var described = lease.Describe();

        // Assert
        Assert.Equal("https://account.blob.core.windows.net/locks/leader.lock", described);
    }

    [Theory]
    [InlineData("https://a.blob.core.windows.net/c/b", AzureCloud.AzureCloud)]
    [InlineData("https://a.blob.core.usgovcloudapi.net/c/b", AzureCloud.AzureUSGovernment)]
    [InlineData("https://a.blob.core.chinacloudapi.cn/c/b", AzureCloud.AzureChinaCloud)]
    public void CloudOf_BlobHost_ItsCloud(string url, AzureCloud expected)
    {
        // Act
        var cloud = LeaseLockFactory.CloudOf(new Uri(url));

        // Assert
        Assert.Equal(expected, cloud);
    }
}
