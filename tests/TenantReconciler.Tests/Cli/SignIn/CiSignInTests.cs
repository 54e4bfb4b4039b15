using Xunit.Abstractions;

namespace TenantReconciler.Tests.Cli.SignIn;

/// <summary>
/// Sign-in as CI systems really hand out identities, end to end on loopback through the real Azure.Identity
/// credentials: the built CLI runs as a child process, with a fake GitHub or Azure Pipelines OIDC endpoint and a fake
/// Entra ID token endpoint over HTTPS (<see cref="FakeIdentityProvider"/>, trusted through the standard
/// <c>SSL_CERT_FILE</c>; no certificate validation is turned off), <c>AZURE_AUTHORITY_HOST</c> pointing the credential
/// at the fake, and the emulator accepting only the access token the fake Entra issued.
/// </summary>
public sealed class CiSignInTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] CredentialPrefixes =
        ["AZURE_", "AZURESUBSCRIPTION_", "SYSTEM_", "ACTIONS_", "GITHUB_", "MSI_", "IDENTITY_", "IMDS_", "SSL_CERT_", "TF_BUILD"];

    private readonly TempDirectory _temp = new();
    private FakeIdentityProvider _identity = null!;
    private ArmEmulator _emulator = null!;
    private string _emulatorPem = null!;

    public async Task InitializeAsync()
    {
        _identity = await FakeIdentityProvider.StartAsync(_temp.Path);
        _emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = CliTestBed.ExampleState(),
            RequiredToken = FakeIdentityProvider.AccessToken,
        });
        _emulatorPem = _temp.Write("emulator.pem", _emulator.CertificatePem);
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _identity.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Plan_GitHubActions_AssertsAFreshOidcTokenAtEntraAndArmSeesEntrasAccessToken()
    {
        // Arrange
        var environment = GitHubActions();

        // Act
        var result = await RunAsync(environment, "plan", "--auth", "github-actions");

        // Assert: GitHub was asked with the request token and the audience, Entra with that OIDC token as the
        // assertion, and ARM (which refuses any other bearer) with Entra's access token.
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("to add", result.Stdout, StringComparison.Ordinal);
        var github = Assert.Single(_identity.Requests, r => r.Path == "/github/idtoken");
        Assert.Equal("Bearer " + FakeIdentityProvider.GitHubRequestToken, github.Authorization);
        Assert.Equal("?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange", github.Query);
        var token = Assert.Single(_identity.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Equal("client_credentials", token.Form["grant_type"]);
        Assert.Equal(FakeIdentityProvider.ClientId, token.Form["client_id"]);
        Assert.Equal(FakeIdentityProvider.ArmScope, token.Form["scope"]);
        Assert.NotEmpty(_emulator.Requests);
        Assert.All(_emulator.Requests, r => Assert.Equal(200, r.Status));
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Apply_GitHubActionsWithShortLivedAccessTokens_EveryAssertionIsANewOidcToken()
    {
        // Arrange: access tokens that expire at once, so the listing, the writes and the re-listing (one after the
        // other) each need a new one, and each new one a new assertion, as a long apply does after an hour.
        _identity.ExpiresInSeconds = 0;
        var journal = _temp.File("journal.jsonl");

        // Act
        var result = await RunAsync(GitHubActions(), "apply", "--auth", "github-actions", "--auto-approve", "--journal", journal);

        // Assert
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var assertions = _identity.Assertions;
        output.WriteLine($"{assertions.Count} assertions for {_emulator.Requests.Count} ARM requests");
        Assert.True(assertions.Count >= 3, $"{assertions.Count} assertion(s)");
        Assert.Equal(assertions.Count, assertions.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(assertions.Count, _identity.Requests.Count(r => r.Path == "/github/idtoken"));
        Assert.All(_emulator.Requests, r => Assert.True(r.Status is >= 200 and < 300, $"{r.Method} {r.PathAndQuery}: {r.Status}"));
    }

    [Fact]
    public async Task Plan_GitHubActionsInUSGovernment_AsksForTheUSGovAudience()
    {
        // Arrange
        _identity.ExpectedAudience = "api://AzureADTokenExchangeUSGov";
        _identity.ExpectedScope = "https://management.usgovcloudapi.net/.default";
        var yaml = File.ReadAllText(RepoFiles.Path("tenants.yaml")).Replace("cloud: AzureCloud", "cloud: AzureUSGovernment", StringComparison.Ordinal);

        // Act
        var result = await RunWithYamlAsync(GitHubActions(), yaml, "plan", "--auth", "github-actions");

        // Assert
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains(_identity.Requests, r => r.Path == "/github/idtoken" && r.Query.EndsWith("audience=api%3A%2F%2FAzureADTokenExchangeUSGov", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_AzurePipelines_AssertsTheServiceConnectionsOidcTokenAtEntra()
    {
        // Act
        var result = await RunAsync(AzurePipelines(), "plan", "--auth", "azure-pipelines");

        // Assert
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var oidc = Assert.Single(_identity.Requests, r => r.Path == "/pipelines/oidctoken");
        Assert.Equal("POST", oidc.Method);
        Assert.Equal("Bearer " + FakeIdentityProvider.PipelinesAccessToken, oidc.Authorization);
        Assert.Contains("serviceConnectionId=" + FakeIdentityProvider.ServiceConnectionId, oidc.Query, StringComparison.Ordinal);
        Assert.Single(_identity.Requests, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.All(_emulator.Requests, r => Assert.Equal(200, r.Status));
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Plan_WorkloadIdentity_AssertsTheTokenFileAtEntra()
    {
        // Act
        var result = await RunAsync(WorkloadIdentity(), "plan", "--auth", "workload-identity");

        // Assert
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal([FakeIdentityProvider.FederatedTokenFileToken], _identity.Assertions);
        Assert.All(_emulator.Requests, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task Plan_GitHubActionsWithoutTheOidcVariables_OneParagraphNamingThemAndNothingSent()
    {
        // Arrange: the job lacks `permissions: id-token: write`.
        var environment = GitHubActions();
        environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = null;
        environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = null;

        // Act
        var result = await RunAsync(environment, "plan", "--auth", "github-actions");

        // Assert
        AssertOneParagraph(result, "github-actions");
        Assert.Contains("ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("id-token: write", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_identity.Requests);
        Assert.Empty(_emulator.Requests);
    }

    [Fact]
    public async Task Plan_GitHubRefusesTheRequestToken_OneParagraphWithoutTheTokenAndNothingSentToArm()
    {
        // Arrange
        const string wrongToken = "WRONG-REQUEST-TOKEN-CANARY-71be";
        var environment = GitHubActions();
        environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = wrongToken;

        // Act
        var result = await RunAsync(environment, "plan", "--auth", "github-actions");

        // Assert
        AssertOneParagraph(result, "github-actions");
        Assert.Contains("answered 401: the request token (ACTIONS_ID_TOKEN_REQUEST_TOKEN) was refused", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_identity.Requests, r => r.Path.EndsWith("/token", StringComparison.Ordinal));
        Assert.Empty(_emulator.Requests);
    }

    [Theory]
    [InlineData("github-actions")]
    [InlineData("azure-pipelines")]
    [InlineData("workload-identity")]
    public async Task Plan_EntraRefusesTheAssertion_OneParagraphWithEntrasReasonAndNothingSentToArm(string auth)
    {
        // Arrange: no federated credential of the app matches the token's subject.
        _identity.RefuseAssertions = true;
        var environment = auth switch
        {
            "github-actions" => GitHubActions(),
            "azure-pipelines" => AzurePipelines(),
            _ => WorkloadIdentity(),
        };

        // Act
        var result = await RunAsync(environment, "plan", "--auth", auth);

        // Assert
        AssertOneParagraph(result, auth);
        Assert.Contains("AADSTS700213", result.Stderr, StringComparison.Ordinal);
        Assert.NotEmpty(_identity.Assertions);
        Assert.Empty(_emulator.Requests);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Plan_AzurePipelinesAccessTokenRefused_OneParagraphWithoutTheTokenAndNothingSentToArm()
    {
        // Arrange
        var environment = AzurePipelines();
        environment["SYSTEM_ACCESSTOKEN"] = "WRONG-ACCESS-TOKEN-CANARY-d04e";

        // Act
        var result = await RunAsync(environment, "plan", "--auth", "azure-pipelines");

        // Assert
        AssertOneParagraph(result, "azure-pipelines");
        Assert.DoesNotContain("WRONG-ACCESS-TOKEN-CANARY-d04e", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_identity.Assertions);
        Assert.Empty(_emulator.Requests);
    }

    [Fact]
    public async Task Plan_ProviderNotTrusted_CertificateRefusedAndNothingSent()
    {
        // Arrange: the same sign-in without SSL_CERT_FILE: the fake's certificate chains to nothing the system trusts.
        var environment = GitHubActions();
        environment["SSL_CERT_FILE"] = null;

        // Act
        var result = await RunAsync(environment, "plan", "--auth", "github-actions");

        // Assert: the TLS handshake failed, so GitHub's fake never saw a request, and ARM got none.
        AssertOneParagraph(result, "github-actions");
        Assert.Empty(_identity.Requests);
        Assert.Empty(_emulator.Requests);
    }

    [Fact]
    public async Task Plan_WorkloadIdentityOnGitHubActions_NamesTheMissingFileAndPointsToGitHubActions()
    {
        // Arrange: what the old examples did: azure/login, then --auth workload-identity (no token file anywhere).
        var environment = GitHubActions();

        // Act
        var result = await RunAsync(environment, "plan", "--auth", "workload-identity");

        // Assert
        AssertOneParagraph(result, "workload-identity");
        Assert.Contains("AZURE_FEDERATED_TOKEN_FILE is not set.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("This looks like GitHub Actions: use --auth github-actions.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("set by azure/login", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_identity.Requests);
        Assert.Empty(_emulator.Requests);
    }

    /// <summary>What a GitHub Actions job with <c>id-token: write</c> and the app's ids in its env hands the tool.</summary>
    private Dictionary<string, string?> GitHubActions() => Environment(new()
    {
        ["GITHUB_ACTIONS"] = "true",
        ["ACTIONS_ID_TOKEN_REQUEST_URL"] = _identity.GitHubRequestUrl,
        ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = FakeIdentityProvider.GitHubRequestToken,
        ["AZURE_CLIENT_ID"] = FakeIdentityProvider.ClientId,
        ["AZURE_TENANT_ID"] = FakeIdentityProvider.TenantId,
    });

    /// <summary>What an AzureCLI@2 task with a workload-identity service connection hands the tool.</summary>
    private Dictionary<string, string?> AzurePipelines() => Environment(new()
    {
        ["TF_BUILD"] = "True",
        ["SYSTEM_OIDCREQUESTURI"] = _identity.PipelinesRequestUri,
        ["SYSTEM_ACCESSTOKEN"] = FakeIdentityProvider.PipelinesAccessToken,
        ["AZURESUBSCRIPTION_TENANT_ID"] = FakeIdentityProvider.TenantId,
        ["AZURESUBSCRIPTION_CLIENT_ID"] = FakeIdentityProvider.ClientId,
        ["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"] = FakeIdentityProvider.ServiceConnectionId,
    });

    /// <summary>What AKS workload identity hands a pod: the ids and a projected token file.</summary>
    private Dictionary<string, string?> WorkloadIdentity() => Environment(new()
    {
        ["AZURE_CLIENT_ID"] = FakeIdentityProvider.ClientId,
        ["AZURE_TENANT_ID"] = FakeIdentityProvider.TenantId,
        ["AZURE_FEDERATED_TOKEN_FILE"] = _temp.Write("azure-identity-token", FakeIdentityProvider.FederatedTokenFileToken),
    });

    /// <summary>
    /// Every credential variable of this process removed, then <paramref name="set"/>, the fake's authority and trust.
    /// </summary>
    private Dictionary<string, string?> Environment(Dictionary<string, string?> set)
    {
        var environment = System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => CredentialPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            .ToDictionary(name => name, _ => (string?)null);
        environment["AZURE_AUTHORITY_HOST"] = _identity.BaseUri.ToString();
        environment["SSL_CERT_FILE"] = _identity.CertificatePath;
        environment["NO_COLOR"] = "1";
        foreach (var (name, value) in set)
        {
            environment[name] = value;
        }

        return environment;
    }

    private Task<CliResult> RunAsync(Dictionary<string, string?> environment, params string[] args) =>
        RunWithYamlAsync(environment, File.ReadAllText(RepoFiles.Path("tenants.yaml")), args);

    private async Task<CliResult> RunWithYamlAsync(Dictionary<string, string?> environment, string yaml, params string[] args)
    {
        var tenants = _temp.Write("tenants.yaml", yaml);
        var result = await ChildProcess.RunCliAsync([.. args, "-f", tenants, "--arm-endpoint", _emulator.BaseUri.ToString(), "--ca-cert", _emulatorPem], new ChildOptions { Environment = environment });
        output.WriteLine(result.ToString());
        return result;
    }

    private static void AssertOneParagraph(CliResult result, string auth)
    {
        Assert.True(result.ExitCode == ExitCodes.Error, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("info:", StringComparison.Ordinal)).ToArray();
        var error = Assert.Single(lines, l => l.StartsWith("Error: ", StringComparison.Ordinal));
        Assert.StartsWith($"Error: --auth {auth} could not get a token for ", error, StringComparison.Ordinal);
        Assert.True(lines.Length <= 2, result.ToString());
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        AssertNoSecret(result);
    }

    private static void AssertNoSecret(CliResult result)
    {
        var printed = result.Stdout + result.Stderr;
        Assert.DoesNotContain(FakeIdentityProvider.GitHubRequestToken, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeIdentityProvider.PipelinesAccessToken, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeIdentityProvider.AccessToken, printed, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", printed, StringComparison.Ordinal);
    }
}
