using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TenantReconciler.Emulator;

/// <summary>The emulator's self-signed server certificate, made in process at every start.</summary>
internal static class EmulatorCertificate
{
    public const string SubjectName = "CN=TenantReconciler Emulator";

    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>
    /// ECDSA P-256, SAN = IP 127.0.0.1 + DNS localhost, CA=true (so a client can pin it as its only trust anchor),
    /// valid from a day ago to a year ahead. Returned with its private key.
    /// </summary>
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(SubjectName, key, HashAlgorithmName.SHA256);

        var alternativeNames = new SubjectAlternativeNameBuilder();
        alternativeNames.AddIpAddress(IPAddress.Loopback);
        alternativeNames.AddDnsName("localhost");
        request.CertificateExtensions.Add(alternativeNames.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(
            certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthenticationOid)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        // The certificate from CreateSelfSigned holds an ephemeral key that SslStream cannot use on every platform;
        // a round trip through PKCS#12 gives Kestrel a key it can present. The blob never leaves the process, so one
        // PBE iteration is enough (the default thousands cost a noticeable part of a cold start).
        var pkcs12 = created.ExportPkcs12(new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1), password: null);
        return X509CertificateLoader.LoadPkcs12(pkcs12, password: null);
    }

    /// <summary>
    /// The TLS context Kestrel presents. Making it builds the certificate's chain, which loads the system certificate
    /// store: on a cold process the slowest step of all, so the emulator does it in the background after start.
    /// </summary>
    public static SslStreamCertificateContext CreateContext(X509Certificate2 certificate) =>
        SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
}
