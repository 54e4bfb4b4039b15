using Azure.Core;
using Azure.Identity;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The credentials of <c>--stamp-auth</c> at a stamp's own authority (its AD FS, or a directory that is not the
/// cloud's Entra ID), for <see cref="CredentialFactory.CreateForStamp"/>: tenant <c>adfs</c> for an AD FS, and a
/// kind that cannot sign in there (a managed identity at AD FS, a CI federated credential) says why.
/// </summary>
internal sealed class StampAuthorityCredentials(Action<TokenCredentialOptions>? configure)
{
    public TokenCredential Create(AuthKind auth, AzureCloud cloud, Uri authority, string? tenant) => auth switch
    {
        AuthKind.Default => new DefaultAzureCredential(IdentityOptions.At(new DefaultAzureCredentialOptions { TenantId = tenant, RetryPolicy = new LocalEndpointRetryPolicy() }, authority, configure)),
        AuthKind.Cli => new AzureCliCredential(IdentityOptions.At(new AzureCliCredentialOptions { TenantId = tenant }, authority, configure)),
        AuthKind.Environment => CreateEnvironmentAt(cloud, authority, tenant),
        AuthKind.WorkloadIdentity => CredentialVariables.MissingExceptTenant(CredentialFactory.WorkloadIdentityVariables, auth, cloud) ?? (TokenCredential)new WorkloadIdentityCredential(IdentityOptions.At(new WorkloadIdentityCredentialOptions { TenantId = tenant ?? ToolEnvironment.Read("AZURE_TENANT_ID") }, authority, configure)),
        AuthKind.ManagedIdentity when tenant == StampMetadata.AdfsTenant =>
            new UnavailableCredential(auth, cloud, "a managed identity cannot sign in at an AD FS stamp's AD FS; use --stamp-auth environment with a service principal of the stamp's AD FS"),
        AuthKind.ManagedIdentity => new ManagedIdentityCredential(IdentityOptions.At(
            new ManagedIdentityCredentialOptions(
                ToolEnvironment.Read("AZURE_CLIENT_ID") is { } clientId ? ManagedIdentityId.FromUserAssignedClientId(clientId) : ManagedIdentityId.SystemAssigned),
            authority,
            configure)),
        AuthKind.AzurePipelines or AuthKind.GitHubActions => new UnavailableCredential(
            auth,
            cloud,
            $"the stamp signs in at {authority.GetLeftPart(UriPartial.Authority)}, not at the cloud's Entra ID, and a CI federated credential is only trusted there; use --stamp-auth environment with a service principal of the stamp's directory"),
        _ => throw new ArgumentOutOfRangeException(nameof(auth), auth, null),
    };

    /// <summary>
    /// <c>--stamp-auth environment</c> at a stamp's own authority: the service principal of <c>AZURE_CLIENT_ID</c> with
    /// <c>AZURE_CLIENT_SECRET</c> or <c>AZURE_CLIENT_CERTIFICATE_PATH</c>, in <paramref name="tenant"/> (<c>adfs</c>) or
    /// <c>AZURE_TENANT_ID</c>.
    /// </summary>
    private TokenCredential CreateEnvironmentAt(AzureCloud cloud, Uri authority, string? tenant)
    {
        var tenantId = tenant ?? ToolEnvironment.Read("AZURE_TENANT_ID");
        var clientId = ToolEnvironment.Read("AZURE_CLIENT_ID");
        var secret = ToolEnvironment.Read("AZURE_CLIENT_SECRET");
        var certificate = ToolEnvironment.Read("AZURE_CLIENT_CERTIFICATE_PATH");
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            missing.Add("AZURE_TENANT_ID");
        }

        if (string.IsNullOrWhiteSpace(clientId))
        {
            missing.Add("AZURE_CLIENT_ID");
        }

        if (string.IsNullOrWhiteSpace(secret) && string.IsNullOrWhiteSpace(certificate))
        {
            missing.Add("AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)");
        }

        if (missing.Count > 0)
        {
            return CredentialVariables.NotSet(AuthKind.Environment, cloud, missing);
        }

        return string.IsNullOrWhiteSpace(secret)
            ? new ClientCertificateCredential(tenantId, clientId, certificate, IdentityOptions.At(new ClientCertificateCredentialOptions(), authority, configure))
            : new ClientSecretCredential(tenantId, clientId, secret, IdentityOptions.At(new ClientSecretCredentialOptions(), authority, configure));
    }
}
