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
    [InlineData(AuthKind.GitHubActions, AzureCloud.AzureUSGovernment)]
    [InlineData(AuthKind.GitHubActions, AzureCloud.AzureChinaCloud)]
    public async Task GetToken_SovereignCloud_AsksOnlyThatCloudsAuthority(AuthKind auth, AzureCloud cloud)
    {
        // Arrange: a full set of (fake) variables for every source, so each credential really calls its authority.
        using var environment = FullEnvironment();
        var transport = Transport();
        var credential = Factory(transport).Create(auth, cloud, cloud.ToArmEnvironment().Endpoint);
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
        if (auth == AuthKind.GitHubActions)
        {
            var audience = cloud == AzureCloud.AzureUSGovernment ? "AzureADTokenExchangeUSGov" : "AzureADTokenExchangeChina";
            Assert.Contains(transport.Requests, r => r.Uri.Host == OidcHost && r.Uri.Query.EndsWith("audience=api%3A%2F%2F" + audience, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(AuthKind.Environment)]
    [InlineData(AuthKind.WorkloadIdentity)]
    [InlineData(AuthKind.Default)]
    [InlineData(AuthKind.AzurePipelines)]
    [InlineData(AuthKind.GitHubActions)]
    public async Task GetToken_AzureAuthorityHostSet_AsksOnlyThatHostWithoutInstanceDiscovery(AuthKind auth)
    {
        // Arrange: an authority of our own (AD FS, a private endpoint): no public authority may be asked about it.
        using var environment = FullEnvironment();
        environment.Set("AZURE_AUTHORITY_HOST", "https://adfs.contoso.example/adfs/");
        var transport = Transport();
        var credential = Factory(transport).Create(auth, AzureCloud.AzureCloud, AzureCloud.AzureCloud.ToArmEnvironment().Endpoint);

        // Act
        await Assert.ThrowsAsync<CredentialException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext([ArmConnections.ScopeFor(AzureCloud.AzureCloud)]), CancellationToken.None));

        // Assert
        Assert.Equal(["adfs.contoso.example"], transport.Hosts.Where(h => h != OidcHost).ToArray());
    }

    [Theory]
    [InlineData("http://login.example/")]
    [InlineData("login.microsoftonline.us")]
    [InlineData("https://login.example/?x=1")]
    public async Task GetToken_AzureAuthorityHostNotAnHttpsUrl_OneParagraphAndNothingAsked(string value)
    {
        // Arrange
        using var environment = FullEnvironment();
        environment.Set("AZURE_AUTHORITY_HOST", value);
        var transport = Transport();
        var credential = Factory(transport).Create(AuthKind.Environment, AzureCloud.AzureCloud, AzureCloud.AzureCloud.ToArmEnvironment().Endpoint);

        // Act
        var error = await Assert.ThrowsAsync<CredentialException>(async () =>
            await credential.GetTokenAsync(new TokenRequestContext([ArmConnections.ScopeFor(AzureCloud.AzureCloud)]), CancellationToken.None));

        // Assert
        Assert.Contains("AZURE_AUTHORITY_HOST is set but is not an absolute https URL", error.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    private static CredentialEnvironment FullEnvironment()
    {
        var environment = CredentialEnvironment.WithServicePrincipal();
        environment.Set("AZURESUBSCRIPTION_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        environment.Set("AZURESUBSCRIPTION_CLIENT_ID", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        environment.Set("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID", "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d");
        environment.Set("SYSTEM_ACCESSTOKEN", "not-a-real-token");
        environment.Set("SYSTEM_OIDCREQUESTURI", $"https://{OidcHost}/org/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken");
        environment.Set("ACTIONS_ID_TOKEN_REQUEST_URL", $"https://{OidcHost}/_apis/distributedtask/hubs/Actions/plans/p/jobs/j/idtoken?api-version=2.0");
        environment.Set("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "not-a-real-token");
        return environment;
    }

    /// <summary>Answers the OIDC endpoints with a token (in both shapes), and everything else with an unusable body.</summary>
    private static RecordingTransport Transport() => new(request => request.Uri.Host == OidcHost
        ? (200, """{"oidcToken":"eyJhbGciOiJub25lIn0.e30.","count":1,"value":"eyJhbGciOiJub25lIn0.e30."}""")
        : (200, """{"value":[]}"""));

    private static CredentialFactory Factory(RecordingTransport transport) => new()
    {
        ConfigureOptions = options =>
        {
            options.Transport = transport;
            options.Retry.MaxRetries = 0;
        },
    };
}
