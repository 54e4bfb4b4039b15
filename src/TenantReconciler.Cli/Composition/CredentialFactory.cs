using Azure.Core;
using Azure.Identity;
using TenantReconciler.Live;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// Turns <c>--auth</c> into an Azure.Identity credential for the cloud in tenants.yaml. A DI singleton, so tests can
/// substitute a credential (for example one that returns a canary token).
/// </summary>
public class CredentialFactory
{
    public virtual TokenCredential Create(AuthKind auth, AzureCloud cloud, Uri endpoint)
    {
        if (auth == AuthKind.Emulator)
        {
            if (!ArmConnections.IsLoopback(endpoint))
            {
                throw new ReconcilerException(
                    $"--auth emulator sends a fixed, non-secret token and is refused for {endpoint.GetLeftPart(UriPartial.Authority)}: " +
                    "it is only allowed for an endpoint on loopback (127.0.0.1, ::1, localhost).");
            }

            return new EmulatorTokenCredential();
        }

        var authority = cloud switch
        {
            AzureCloud.AzureUSGovernment => AzureAuthorityHosts.AzureGovernment,
            AzureCloud.AzureChinaCloud => AzureAuthorityHosts.AzureChina,
            _ => AzureAuthorityHosts.AzurePublicCloud,
        };

        return auth switch
        {
            AuthKind.Default => new DefaultAzureCredential(new DefaultAzureCredentialOptions { AuthorityHost = authority }),
            AuthKind.Cli => new AzureCliCredential(new AzureCliCredentialOptions { AuthorityHost = authority }),
            AuthKind.Environment => new EnvironmentCredential(new EnvironmentCredentialOptions { AuthorityHost = authority }),
            AuthKind.WorkloadIdentity => new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { AuthorityHost = authority }),
            AuthKind.ManagedIdentity => new ManagedIdentityCredential(
                Environment.GetEnvironmentVariable("AZURE_CLIENT_ID") is { Length: > 0 } clientId
                    ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                    : ManagedIdentityId.SystemAssigned),
            _ => throw new ArgumentOutOfRangeException(nameof(auth), auth, null),
        };
    }
}
