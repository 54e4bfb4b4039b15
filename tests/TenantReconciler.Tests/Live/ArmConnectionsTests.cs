using System.Security.Cryptography.X509Certificates;
using Azure.ResourceManager;

namespace TenantReconciler.Tests.Live;

public sealed class ArmConnectionsTests
{
    [Theory]
    [InlineData(AzureCloud.AzureCloud, "https://management.azure.com/.default")]
    [InlineData(AzureCloud.AzureUSGovernment, "https://management.usgovcloudapi.net/.default")]
    [InlineData(AzureCloud.AzureChinaCloud, "https://management.chinacloudapi.cn/.default")]
    public void ScopeFor_EachCloud_IsAudienceWithSingleSlashBeforeDefault(AzureCloud cloud, string expected)
    {
        // Act
        var scope = ArmConnections.ScopeFor(cloud);

        // Assert
        Assert.Equal(expected, scope);
    }

    [Fact]
    public void ScopeFor_PublicCloud_DiffersFromArmEnvironmentDefaultScopeWhichDoublesTheSlash()
    {
        // Arrange: the reason ScopeFor exists — Azure.ResourceManager 1.7.0 appends "/.default" to "https://management.azure.com/".
        var sdkScope = ArmEnvironment.AzurePublicCloud.DefaultScope;

        // Act
        var scope = ArmConnections.ScopeFor(AzureCloud.AzureCloud);

        // Assert
        Assert.Equal("https://management.azure.com//.default", sdkScope);
        Assert.NotEqual(sdkScope, scope);
    }

    [Theory]
    [InlineData(AzureCloud.AzureCloud, "https://management.azure.com/")]
    [InlineData(AzureCloud.AzureUSGovernment, "https://management.usgovcloudapi.net/")]
    [InlineData(AzureCloud.AzureChinaCloud, "https://management.chinacloudapi.cn/")]
    public void ForCloud_NoOverride_UsesTheCloudsEndpointAndScope(AzureCloud cloud, string endpoint)
    {
        // Act
        var connection = ArmConnections.ForCloud(cloud, ApiVersions.V2022_06_01, null, null);

        // Assert
        Assert.Equal(new Uri(endpoint), connection.Endpoint);
        Assert.Equal(ArmConnections.ScopeFor(cloud), connection.Scope);
        Assert.Equal(ApiVersions.V2022_06_01, connection.ApiVersion);
        Assert.Null(connection.TrustedCertificate);
    }

    [Fact]
    public void ForCloud_Override_UsesOverrideEndpointKeepsCloudScopeAndTrust()
    {
        // Arrange
        var endpoint = new Uri("https://127.0.0.1:5443/");
        using var certificate = X509CertificateLoader.LoadCertificate(CreateSelfSignedDer());

        // Act
        var connection = ArmConnections.ForCloud(AzureCloud.AzureUSGovernment, ApiVersions.Default, endpoint, certificate);

        // Assert
        Assert.Equal(endpoint, connection.Endpoint);
        Assert.Equal("https://management.usgovcloudapi.net/.default", connection.Scope);
        Assert.Same(certificate, connection.TrustedCertificate);
    }

    [Fact]
    public void ForCloud_RelativeOverride_Throws()
    {
        // Act
        var exception = Record.Exception(() =>
            ArmConnections.ForCloud(AzureCloud.AzureCloud, ApiVersions.Default, new Uri("/x", UriKind.Relative), null));

        // Assert
        Assert.IsType<ArgumentException>(exception);
    }

    [Theory]
    [InlineData("https://localhost:5443/", true)]
    [InlineData("https://LOCALHOST/", true)]
    [InlineData("https://127.0.0.1:5443/", true)]
    [InlineData("https://127.1.2.3/", true)]
    [InlineData("https://[::1]:5443/", true)]
    [InlineData("https://[::ffff:127.0.0.1]/", true)]
    [InlineData("https://management.azure.com/", false)]
    [InlineData("https://localhost.evil.example/", false)]
    [InlineData("https://evil-localhost/", false)]
    [InlineData("https://128.0.0.1/", false)]
    [InlineData("https://10.0.0.1/", false)]
    [InlineData("https://0.0.0.0/", false)]
    [InlineData("https://[::]/", false)]
    [InlineData("https://[::2]/", false)]
    public void IsLoopback_Endpoint_TrueOnlyForLoopbackHosts(string endpoint, bool expected)
    {
        // Act
        var loopback = ArmConnections.IsLoopback(new Uri(endpoint));

        // Assert
        Assert.Equal(expected, loopback);
    }

    [Fact]
    public void IsLoopback_RelativeUri_False()
    {
        // Act
        var loopback = ArmConnections.IsLoopback(new Uri("localhost", UriKind.Relative));

        // Assert
        Assert.False(loopback);
    }

    private static byte[] CreateSelfSignedDer()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest("CN=test", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.RawData;
    }
}
