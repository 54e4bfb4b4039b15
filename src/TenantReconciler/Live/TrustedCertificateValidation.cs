using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace TenantReconciler.Live;

/// <summary>
/// Server certificate validation that trusts one extra certificate for one endpoint, on top of the system store.
/// The name check is never relaxed, and nothing is accepted for any other host than the system store would accept.
/// </summary>
internal static class TrustedCertificateValidation
{
    /// <summary>
    /// The handler for a pipeline whose endpoint presents a certificate chaining to <paramref name="trusted"/>. It follows
    /// no redirect (a 3xx is an answer, and an error: ARM's API has none), so no answer ever comes from another host.
    /// </summary>
    public static HttpClientHandler CreateHandler(Uri endpoint, X509Certificate2 trusted) => new()
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
            IsAccepted(request.RequestUri, endpoint, certificate, chain, errors, trusted),
    };

    /// <summary>
    /// Accepts when the system found no error at all; or, for a request to <paramref name="endpoint"/> only, when the
    /// single error is an untrusted chain and the chain rebuilt with <paramref name="trusted"/> as the only root validates.
    /// </summary>
    public static bool IsAccepted(
        Uri? requestUri,
        Uri endpoint,
        X509Certificate2? certificate,
        X509Chain? presentedChain,
        SslPolicyErrors errors,
        X509Certificate2 trusted)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors
            || certificate is null
            || requestUri is null
            || !SameOrigin(requestUri, endpoint))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }

    /// <summary>Same scheme, host (case-insensitive) and port.</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        a.IsAbsoluteUri
        && b.IsAbsoluteUri
        && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
