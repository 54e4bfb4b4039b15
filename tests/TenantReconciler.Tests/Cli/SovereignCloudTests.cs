using Microsoft.Extensions.Logging.Abstractions;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// With <c>cloud:</c> set in tenants.yaml and no --arm-endpoint, every request goes to that cloud's ARM and every token
/// is asked for that cloud's ARM audience. Through the real composition (ArmSessionFactory) and Azure.Core pipeline, on
/// a recording transport: hosts and scopes only, nothing leaves the machine.
/// </summary>
public sealed class SovereignCloudTests
{
    [Theory]
    [InlineData("AzureUSGovernment", "management.usgovcloudapi.net", "https://management.usgovcloudapi.net/.default")]
    [InlineData("AzureChinaCloud", "management.chinacloudapi.cn", "https://management.chinacloudapi.cn/.default")]
    [InlineData("AzureCloud", "management.azure.com", "https://management.azure.com/.default")]
    public async Task ListPutDelete_CloudInTenantsYaml_EveryRequestAndTokenForThatCloudOnly(string cloud, string host, string scope)
    {
        // Arrange
        var desired = Desired(cloud);
        var transport = new RecordingTransport();
        var credentials = new RecordingCredentialFactory();
        var sessions = new ArmSessionFactory(NullLogger<ArmSessionFactory>.Instance, credentials, new FakeTimeProvider());
        var registration = desired.Registrations[0].Registration;
        var settings = ArmPipelineSettings.Default with { Transport = transport };

        // Act
        await using (var session = await sessions.OpenAsync(desired, new ConnectionArguments(null, AuthKind.Cli, null, null), settings, CancellationToken.None))
        {
            await LiveReader.ReadAsync(session.Client, desired, CancellationToken.None);
            await session.Client.PutAsync(registration, "0fd630f1-f29d-4da9-953f-48f1a09f76b5", Guid.Parse("9531985d-5d9d-49f8-9818-e811892f902b"), CancellationToken.None);
            await session.Client.DeleteAsync(registration, "0fd630f1-f29d-4da9-953f-48f1a09f76b5", CancellationToken.None);
        }

        // Assert
        Assert.Equal(desired.Registrations.Count + 2, transport.Requests.Count);
        Assert.All(transport.Requests, r => Assert.Equal($"https://{host}", r.Uri.GetLeftPart(UriPartial.Authority)));
        Assert.Equal([scope], credentials.Credential.Scopes.Distinct());
        Assert.Equal(Enum.Parse<AzureCloud>(cloud), credentials.Cloud);
    }

    [Theory]
    [InlineData(AzureCloud.AzureCloud, "https://login.microsoftonline.com/")]
    [InlineData(AzureCloud.AzureUSGovernment, "https://login.microsoftonline.us/")]
    [InlineData(AzureCloud.AzureChinaCloud, "https://login.chinacloudapi.cn/")]
    public void AuthorityHost_EachCloud_IsThatCloudsEntraAuthority(AzureCloud cloud, string expected)
    {
        // Act
        var authority = cloud.AuthorityHost();

        // Assert
        Assert.Equal(new Uri(expected), authority);
    }

    private static DesiredState Desired(string cloud)
    {
        var yaml = File.ReadAllText(RepoFiles.Path("tenants.yaml")).Replace("cloud: AzureCloud", $"cloud: {cloud}", StringComparison.Ordinal);
        return DesiredStateLoader.Parse(yaml, "tenants.yaml");
    }

    private sealed class RecordingCredentialFactory : CredentialFactory
    {
        public RecordingCredential Credential { get; } = new();

        public AzureCloud? Cloud { get; private set; }

        public override TokenCredential Create(AuthKind auth, AzureCloud cloud, Uri endpoint)
        {
            Cloud = cloud;
            return Credential;
        }
    }
}

/// <summary>Records the scopes of every token asked for and returns a fixed, non-secret token.</summary>
public sealed class RecordingCredential : TokenCredential
{
    private readonly List<string> _scopes = [];

    public IReadOnlyList<string> Scopes
    {
        get
        {
            lock (_scopes)
            {
                return [.. _scopes];
            }
        }
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (_scopes)
        {
            _scopes.AddRange(requestContext.Scopes);
        }

        return new AccessToken("recorded-not-secret", DateTimeOffset.MaxValue);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
