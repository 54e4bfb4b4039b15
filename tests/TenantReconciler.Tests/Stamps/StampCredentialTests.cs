using TenantReconciler.Stamps;

namespace TenantReconciler.Tests.Stamps;

/// <summary>
/// <c>--stamp-auth</c>: the credentials run for real on a recording transport (nothing leaves the machine); the hosts
/// and paths they ask show where each signs in.
/// </summary>
[Collection(CredentialEnvironmentCollection.Name)]
public sealed class StampCredentialTests
{
    private static readonly StampMetadata Adfs = new(new Uri("https://adfs.east.contoso.example/adfs/"), "https://adminmanagement.adfs.east.contoso.example/1f9b6b8c-2c1e-4f0a-9d8e-7f6a5b4c3d2e");
    private static readonly StampMetadata AzureAd = new(new Uri("https://login.microsoftonline.com/"), "https://adminmanagement.contoso.onmicrosoft.com/1f9b6b8c-2c1e-4f0a-9d8e-7f6a5b4c3d2e");

    [Theory]
    [InlineData(AuthKind.Environment)]
    [InlineData(AuthKind.WorkloadIdentity)]
    [InlineData(AuthKind.Default)]
    public async Task CreateForStamp_AdfsStamp_AsksOnlyTheStampsAdfsWithTenantAdfs(AuthKind auth)
    {
        // Arrange
        using var environment = Environment();
        var transport = new RecordingTransport(_ => (200, """{"value":[]}"""));
        var credential = Factory(transport).CreateForStamp(auth, AzureCloud.AzureCloud, new Uri("https://adminmanagement.east.contoso.example"), Adfs);

        // Act
        var error = await Assert.ThrowsAsync<CredentialException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext([Adfs.Scope]), CancellationToken.None));

        // Assert: AD FS only (no instance discovery at login.microsoftonline.com), under /adfs.
        Assert.Equal(["adfs.east.contoso.example"], transport.Hosts);
        Assert.All(transport.Requests, r => Assert.StartsWith("/adfs/", r.Uri.AbsolutePath, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(Adfs.Scope, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-real-secret", error.Message + error.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateForStamp_AzureAdStampOfTheCloud_TheCredentialOfAuthForTheStampsAudience()
    {
        // Arrange
        using var environment = Environment();
        var transport = new RecordingTransport(_ => (200, """{"value":[]}"""));
        var credential = Factory(transport).CreateForStamp(AuthKind.Environment, AzureCloud.AzureCloud, new Uri("https://adminmanagement.east.contoso.example"), AzureAd);

        // Act
        var error = await Assert.ThrowsAsync<CredentialException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext([AzureAd.Scope]), CancellationToken.None));

        // Assert
        Assert.Equal(["login.microsoftonline.com"], transport.Hosts);
        Assert.Contains(transport.Requests, r => r.Uri.AbsolutePath.StartsWith("/72f988bf-86f1-41af-91ab-2d7cd011db47/", StringComparison.Ordinal));
        Assert.Contains("https://adminmanagement.contoso.onmicrosoft.com/1f9b6b8c-2c1e-4f0a-9d8e-7f6a5b4c3d2e/.default", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateForStamp_ManagedIdentityAtAnAdfsStamp_OneSentenceAndNothingAsked()
    {
        // Arrange
        using var environment = Environment();
        var transport = new RecordingTransport();
        var credential = Factory(transport).CreateForStamp(AuthKind.ManagedIdentity, AzureCloud.AzureCloud, new Uri("https://adminmanagement.east.contoso.example"), Adfs);

        // Act
        var error = await Assert.ThrowsAsync<CredentialException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext([Adfs.Scope]), CancellationToken.None));

        // Assert
        Assert.Contains("a managed identity cannot sign in at an AD FS stamp", error.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    private static CredentialEnvironment Environment() => CredentialEnvironment.WithServicePrincipal();

    private static CredentialFactory Factory(RecordingTransport transport) => new()
    {
        ConfigureOptions = options =>
        {
            options.Transport = transport;
            options.Retry.MaxRetries = 0;
        },
    };
}
