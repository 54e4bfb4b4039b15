using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Azure.ResourceManager;

namespace TenantReconciler.Tests.Emulator;

/// <summary>
/// The real Azure.Core pipeline (ArmClientOptions, bearer token policy) over HTTPS to the emulator, trusting only the
/// emulator's certificate: no system roots, no name mismatch, validation never switched off.
/// </summary>
internal static class EmulatorPipeline
{
    public const string Scope = "https://management.azure.com/.default";

    /// <param name="maxRetries">Null keeps ArmClientOptions' retry policy; 0 makes a connection failure fail at once.</param>
    public static HttpPipeline Create(ArmEmulator emulator, bool authenticate = true, int? maxRetries = null)
    {
        var anchor = emulator.Certificate;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, errors) => IsTrusted(anchor, presented, errors),
        };
        var options = new ArmClientOptions { Transport = new HttpClientTransport(handler) };
        if (maxRetries is { } retries)
        {
            options.Retry.MaxRetries = retries;
        }

        return authenticate
            ? HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(new EmulatorTokenCredential(), Scope))
            : HttpPipelineBuilder.Build(options);
    }

    public static bool IsTrusted(X509Certificate2 anchor, X509Certificate2? presented, SslPolicyErrors errors)
    {
        if (presented is null
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(anchor.RawData);
    }
}
