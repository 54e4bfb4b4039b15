namespace TenantReconciler.Tests.Cli;

/// <summary>
/// A credential that cannot produce a token is an expected failure: one short paragraph naming the --auth kind, the
/// scope, the credential's reason and the fix; exit 1; no stack trace. Everything stays on loopback.
/// </summary>
[Collection(CredentialEnvironmentCollection.Name)]
public sealed class CredentialFailureTests
{
    // Refuses connections: the token fails first anyway, so no ARM request is ever made.
    private const string ArmEndpoint = "https://127.0.0.1:9/";
    private const string ArmScope = "https://management.azure.com/.default";

    [Theory]
    [InlineData("default", "az login")]
    [InlineData("cli", "az login")]
    [InlineData("environment", "AZURE_CLIENT_SECRET")]
    [InlineData("workload-identity", "AZURE_FEDERATED_TOKEN_FILE")]
    [InlineData("managed-identity", "managed identity")]
    [InlineData("azure-pipelines", "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID")]
    [InlineData("github-actions", "permissions: id-token: write")]
    public async Task Plan_AuthKindWithNoCredentials_ExitsOneWithOneParagraphAndTheFix(string auth, string hint)
    {
        // Arrange
        using var environment = new CredentialEnvironment();
        var transport = new LoopbackOnlyTransport(answerNoIdentity: true);

        // Act
        var result = await PlanAsync(transport, auth);

        // Assert
        AssertOneParagraph(result, auth);
        Assert.Contains(hint, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("or choose another --auth (", result.Stderr, StringComparison.Ordinal);
        Assert.All(transport.Uris, uri => Assert.True(ArmConnections.IsLoopback(uri), $"a credential asked {uri}"));
    }

    [Fact]
    public async Task Plan_ManagedIdentityEndpointRefused_AsksOnlyTheLoopbackEndpoint()
    {
        // Arrange: Cloud Shell's variable, a refused port (Azure.Identity retries it for about 20 s, then gives up).
        using var environment = new CredentialEnvironment();
        environment.Set("MSI_ENDPOINT", CredentialEnvironment.RefusedEndpoint);
        var transport = new LoopbackOnlyTransport();

        // Act
        var result = await PlanAsync(transport, "managed-identity");

        // Assert: the managed identity source went to MSI_ENDPOINT (refused), nowhere else.
        AssertOneParagraph(result, "managed-identity");
        Assert.NotEmpty(transport.Uris);
        Assert.All(transport.Uris, uri => Assert.Equal("127.0.0.1:9", uri.Authority));
    }

    [Fact]
    public async Task Plan_AzurePipelinesWithSomeVariables_NamesOnlyTheMissingOnes()
    {
        // Arrange
        using var environment = new CredentialEnvironment();
        environment.Set("AZURESUBSCRIPTION_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        environment.Set("AZURESUBSCRIPTION_CLIENT_ID", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        environment.Set("SYSTEM_OIDCREQUESTURI", CredentialEnvironment.RefusedEndpoint + "/oidc");

        // Act
        var result = await PlanAsync(new LoopbackOnlyTransport(), "azure-pipelines");

        // Assert
        AssertOneParagraph(result, "azure-pipelines");
        Assert.Contains("(AzureCloud): AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, SYSTEM_ACCESSTOKEN are not set. ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_AzurePipelinesOidcEndpointRefused_ExplainsWithoutTheAccessToken()
    {
        // Arrange: every variable set; the job's OIDC endpoint is a refused loopback port.
        const string accessToken = "SYSTEM-ACCESSTOKEN-CANARY-5d1f";
        using var environment = new CredentialEnvironment();
        environment.Set("AZURESUBSCRIPTION_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        environment.Set("AZURESUBSCRIPTION_CLIENT_ID", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        environment.Set("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID", "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d");
        environment.Set("SYSTEM_ACCESSTOKEN", accessToken);
        environment.Set("SYSTEM_OIDCREQUESTURI", CredentialEnvironment.RefusedEndpoint + "/oidc");
        var transport = new LoopbackOnlyTransport();

        // Act
        var detailed = await PlanAsync(transport, "azure-pipelines", "-v", "diagnostic");

        // Assert
        Assert.Equal(ExitCodes.Error, detailed.ExitCode);
        Assert.Contains("--auth azure-pipelines could not get a token for " + ArmScope, detailed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken, detailed.Stdout + detailed.Stderr, StringComparison.Ordinal);
        Assert.Contains(transport.Uris, uri => uri.Authority == "127.0.0.1:9");
    }

    [Fact]
    public async Task Plan_AuthDefaultNothingSignedInAndTheMetadataAddressNeverAnswers_FailsWithTheParagraph()
    {
        // Arrange: nothing signed in, no az on PATH, and the instance metadata endpoint a listener that accepts and
        // never answers. The listener is never released: the run ends only if the credential gives up on it itself.
        using var environment = new CredentialEnvironment();
        await using var metadata = new HeldListener();
        environment.Set("AZURE_POD_IDENTITY_AUTHORITY_HOST", metadata.Url);
        var transport = new LoopbackOnlyTransport();

        // Act
        var result = await PlanAsync(transport, "default");

        // Assert: the probe reached the held listener once (not Azure.Identity's 6 tries with backoff), and the run
        // still ended in the paragraph with the fix.
        AssertOneParagraph(result, "default");
        Assert.Contains("az login", result.Stderr, StringComparison.Ordinal);
        Assert.True(metadata.Accepted == 1, $"{metadata.Accepted} connections to the metadata endpoint\n{result}");
        Assert.All(transport.Uris, uri => Assert.True(ArmConnections.IsLoopback(uri), $"a credential asked {uri}"));
    }

    [Fact]
    public async Task Plan_AuthDefaultNothingSignedInAndTheMetadataPortRefused_AsksItOnceAndFailsWithTheParagraph()
    {
        // Arrange: nothing signed in, no az on PATH, the instance metadata endpoint a refused loopback port.
        using var environment = new CredentialEnvironment();
        var transport = new LoopbackOnlyTransport();

        // Act
        var result = await PlanAsync(transport, "default");

        // Assert: one attempt at the refused endpoint (Azure.Identity's own policy makes 6, about 25 s of backoff).
        AssertOneParagraph(result, "default");
        Assert.Contains("az login", result.Stderr, StringComparison.Ordinal);
        var attempts = transport.Uris.Count(uri => uri.Authority == "127.0.0.1:9");
        Assert.True(attempts == 1, $"{attempts} attempts at the refused endpoint\n{result}");
        Assert.All(transport.Uris, uri => Assert.True(ArmConnections.IsLoopback(uri), $"a credential asked {uri}"));
    }

    [Fact]
    public async Task Plan_AuthDefaultNothingSignedInAtDiagnostic_ShowsTheCredentialsWholeMessage()
    {
        // Arrange: the paragraph promises "-v diagnostic shows the credential's whole message"; plan reports the failed
        // listing (the token is asked for by the listing), so that report must keep the promise.
        using var environment = new CredentialEnvironment();

        // Act
        var normal = await PlanAsync(new LoopbackOnlyTransport(), "default");
        var diagnostic = await PlanAsync(new LoopbackOnlyTransport(), "default", "-v", "diagnostic");

        // Assert: one line per source DefaultAzureCredential tried, at diagnostic only.
        Assert.Contains("-v diagnostic shows the credential's whole message.", normal.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("EnvironmentCredential", normal.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Error, diagnostic.ExitCode);
        Assert.Contains("EnvironmentCredential", diagnostic.Stderr, StringComparison.Ordinal);
        Assert.Contains("ManagedIdentityCredential", diagnostic.Stderr, StringComparison.Ordinal);
        Assert.Contains("AzureCliCredential", diagnostic.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", diagnostic.Stderr, StringComparison.Ordinal);
    }

    private static async Task<CliResult> PlanAsync(LoopbackOnlyTransport transport, string auth, params string[] extra)
    {
        using var temp = new TempDirectory();
        var yaml = temp.Write("tenants.yaml", File.ReadAllText(RepoFiles.Path("tenants.yaml")));
        return await CliRunner.RunWithServicesAsync(
            services => services.AddSingleton(transport.Factory()),
            null,
            ["plan", "-f", yaml, "--auth", auth, "--arm-endpoint", ArmEndpoint, .. extra]);
    }

    private static void AssertOneParagraph(CliResult result, string auth)
    {
        Assert.True(result.ExitCode == ExitCodes.Error, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length <= 2, result.ToString());
        var error = Assert.Single(lines, l => l.StartsWith("Error: ", StringComparison.Ordinal));
        Assert.StartsWith($"Error: --auth {auth} could not get a token for {ArmScope} (AzureCloud): ", error, StringComparison.Ordinal);
        Assert.True(error.Length < 900, error);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
