using Azure.Core;
using Azure.Identity;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The authority every Azure.Identity credential's options get, with instance discovery off for any authority that is
/// not a public cloud's Entra ID (so nothing but that host is asked), and then the tests' hook.
/// </summary>
internal static class IdentityOptions
{
    /// <summary>The options at <paramref name="authority"/>, then <paramref name="configure"/> (null in production).</summary>
    public static T At<T>(T options, Uri authority, Action<TokenCredentialOptions>? configure)
        where T : TokenCredentialOptions
    {
        options.AuthorityHost = authority;
        if (!CredentialFactory.IsKnownAuthority(authority))
        {
            // Instance discovery asks login.microsoftonline.com about the authority: not for one of our own choosing.
            DisableInstanceDiscovery(options);
        }

        configure?.Invoke(options);
        return options;
    }

    /// <summary>On every kind of options that has the setting (the credentials that talk to Entra ID themselves).</summary>
    private static void DisableInstanceDiscovery(TokenCredentialOptions options)
    {
        switch (options)
        {
            case DefaultAzureCredentialOptions defaults: defaults.DisableInstanceDiscovery = true; break;
            case EnvironmentCredentialOptions environment: environment.DisableInstanceDiscovery = true; break;
            case WorkloadIdentityCredentialOptions workload: workload.DisableInstanceDiscovery = true; break;
            case ClientAssertionCredentialOptions assertion: assertion.DisableInstanceDiscovery = true; break;
            case AzurePipelinesCredentialOptions pipelines: pipelines.DisableInstanceDiscovery = true; break;
            case ClientSecretCredentialOptions secret: secret.DisableInstanceDiscovery = true; break;
            case ClientCertificateCredentialOptions certificate: certificate.DisableInstanceDiscovery = true; break;
        }
    }
}
