using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TenantReconciler.Tests.Live;

public sealed class TrustedCertificateValidationTests
{
    private static readonly Uri Endpoint = new("https://127.0.0.1:5443/");

    [Fact]
    public void IsAccepted_ChainErrorOnTheEndpointWithTrustedRoot_Accepted()
    {
        // Arrange
        using var certificate = CreateSelfSigned();

        // Act
        var accepted = TrustedCertificateValidation.IsAccepted(
            new Uri(Endpoint, "/subscriptions"), Endpoint, certificate, null, SslPolicyErrors.RemoteCertificateChainErrors, certificate);

        // Assert
        Assert.True(accepted);
    }

    [Theory]
    [InlineData("https://127.0.0.1:5444/subscriptions")]
    [InlineData("https://localhost:5443/subscriptions")]
    [InlineData("http://127.0.0.1:5443/subscriptions")]
    public void IsAccepted_ChainErrorOnAnotherOrigin_Rejected(string requestUri)
    {
        // Arrange
        using var certificate = CreateSelfSigned();

        // Act
        var accepted = TrustedCertificateValidation.IsAccepted(
            new Uri(requestUri), Endpoint, certificate, null, SslPolicyErrors.RemoteCertificateChainErrors, certificate);

        // Assert
        Assert.False(accepted);
    }

    [Theory]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch)]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors)]
    [InlineData(SslPolicyErrors.RemoteCertificateNotAvailable)]
    public void IsAccepted_AnyErrorBesidesTheChain_Rejected(SslPolicyErrors errors)
    {
        // Arrange
        using var certificate = CreateSelfSigned();

        // Act
        var accepted = TrustedCertificateValidation.IsAccepted(Endpoint, Endpoint, certificate, null, errors, certificate);

        // Assert
        Assert.False(accepted);
    }

    [Fact]
    public void IsAccepted_ChainErrorWithAnotherTrustedCertificate_Rejected()
    {
        // Arrange
        using var presented = CreateSelfSigned();
        using var trusted = CreateSelfSigned();

        // Act
        var accepted = TrustedCertificateValidation.IsAccepted(
            Endpoint, Endpoint, presented, null, SslPolicyErrors.RemoteCertificateChainErrors, trusted);

        // Assert
        Assert.False(accepted);
    }

    [Fact]
    public void IsAccepted_NoErrors_AcceptedWhateverTheOrigin()
    {
        // Arrange: the system store already trusts it and the name matched.
        using var certificate = CreateSelfSigned();
        using var trusted = CreateSelfSigned();

        // Act
        var accepted = TrustedCertificateValidation.IsAccepted(
            new Uri("https://management.azure.com/"), Endpoint, certificate, null, SslPolicyErrors.None, trusted);

        // Assert
        Assert.True(accepted);
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=trust-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadCertificate(created.RawData);
    }
}
