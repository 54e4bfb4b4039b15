using Azure.Core;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Live;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Each credential of a sovereign cloud asks that cloud's Entra authority only. The credentials run for real on a
/// recording transport that answers everything itself (the token endpoint's answer is unusable, so each ends in a
/// <see cref="CredentialException"/>): hosts only, nothing leaves the machine.
/// </summary>
[Collection(CredentialEnvironmentCollection.Name)]
public sealed class SovereignCloudCredentialTests
{
    private const string OidcHost = "dev.azure.example";

    [Theory]
    [InlineData(AuthKind.Environment, AzureCloud.AzureUSGovernment)]
    [InlineData(AuthKind.Environment, AzureCloud.AzureChinaCloud)]
    [InlineData(AuthKind.WorkloadIdentity, AzureCloud.AzureUSGovernment)]
    [InlineData(AuthKind.WorkloadIdentity, AzureCloud.AzureChinaCloud)]
    [InlineData(AuthKind.Default, AzureCloud.AzureUSGovernment)]
    [InlineData(AuthKind.Default, AzureCloud.AzureChinaCloud)]
    [InlineData(AuthKind.AzurePipelines, AzureCloud.AzureUSGovernment)]
    [InlineData(AuthKind.AzurePipelines, AzureCloud.AzureChinaCloud)]
    public async Task GetToken_SovereignCloud_AsksOnlyThatCloudsAuthority(AuthKind auth, AzureCloud cloud)
    {
        // Arrange: a full set of (fake) variables for every source, so each credential really calls its authority.
        using var environment = new CredentialEnvironment();
        var tokenFile = Path.Combine(environment.Folder, "federated-token");
        await File.WriteAllTextAsync(tokenFile, "eyJhbGciOiJub25lIn0.e30.");
        environment.Set("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        environment.Set("AZURE_CLIENT_ID", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        environment.Set("AZURE_CLIENT_SECRET", "not-a-real-secret");
        environment.Set("AZURE_FEDERATED_TOKEN_FILE", tokenFile);
        environment.Set("AZURESUBSCRIPTION_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        environment.Set("AZURESUBSCRIPTION_CLIENT_ID", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        environment.Set("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID", "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d");
        environment.Set("SYSTEM_ACCESSTOKEN", "not-a-real-token");
        environment.Set("SYSTEM_OIDCREQUESTURI", $"https://{OidcHost}/org/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken");
        var transport = new RecordingTransport(request => request.Uri.Host == OidcHost
            ? (200, """{"oidcToken":"eyJhbGciOiJub25lIn0.e30."}""")
            : (200, """{"value":[]}"""));
        var factory = new CredentialFactory
        {
            ConfigureOptions = options =>
            {
                options.Transport = transport;
                options.Retry.MaxRetries = 0;
            },
        };
        var credential = factory.Create(auth, cloud, cloud.ToArmEnvironment().Endpoint);
        var scope = ArmConnections.ScopeFor(cloud);

        // Act
        var error = await Assert.ThrowsAsync<CredentialException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext([scope]), CancellationToken.None));

        // Assert
        var authorities = transport.Hosts.Where(h => h != OidcHost).ToArray();
        Assert.Equal([cloud.AuthorityHost().Host], authorities);
        Assert.Equal(auth, error.Auth);
        Assert.Contains(scope, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-real-secret", error.Message + error.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-real-token", error.Message + error.Details, StringComparison.Ordinal);
    }
}
