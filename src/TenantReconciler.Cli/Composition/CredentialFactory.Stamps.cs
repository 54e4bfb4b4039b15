using Azure.Core;
using Azure.Identity;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The stamp's credential (<c>--stamp-auth</c>): the same kinds as <c>--auth</c>, signed in where the stamp's metadata
/// document says. A stamp whose <c>loginEndpoint</c> is the cloud's own Entra authority gets exactly the credential
/// <c>--auth</c> would build (the scope differs, not the credential). An AD FS stamp (<c>loginEndpoint</c> ending in
/// <c>/adfs</c>) signs in at that AD FS with tenant <c>adfs</c>, and any authority that is not a public cloud's has
/// instance discovery off, so that nothing asks login.microsoftonline.com (a disconnected stamp cannot reach it).
/// </summary>
public partial class CredentialFactory
{
    /// <summary>The credential for a stamp whose metadata document is <paramref name="metadata"/>; null metadata for <c>--stamp-auth emulator</c>.</summary>
    public virtual TokenCredential CreateForStamp(AuthKind auth, AzureCloud cloud, Uri adminEndpoint, StampMetadata? metadata)
    {
        ArgumentNullException.ThrowIfNull(adminEndpoint);
        if (auth == AuthKind.Emulator || metadata is null)
        {
            return Create(auth, cloud, adminEndpoint);
        }

        var authority = metadata.AuthorityHost;
        if (metadata.Tenant is null && string.Equals(authority.Host, AuthorityHostFor(cloud).Host, StringComparison.OrdinalIgnoreCase))
        {
            return Create(auth, cloud, adminEndpoint);
        }

        return new ExplainedCredential(CreateAt(auth, cloud, authority, metadata.Tenant), auth, cloud);
    }

    private TokenCredential CreateAt(AuthKind auth, AzureCloud cloud, Uri authority, string? tenant) => auth switch
    {
        AuthKind.Default => new DefaultAzureCredential(At(new DefaultAzureCredentialOptions { TenantId = tenant, RetryPolicy = new LocalEndpointRetryPolicy() }, authority)),
        AuthKind.Cli => new AzureCliCredential(At(new AzureCliCredentialOptions { TenantId = tenant }, authority)),
        AuthKind.Environment => CreateEnvironmentAt(cloud, authority, tenant),
        AuthKind.WorkloadIdentity => ReadAll(WorkloadIdentityVariables, auth, cloud) ?? (TokenCredential)new WorkloadIdentityCredential(At(new WorkloadIdentityCredentialOptions { TenantId = tenant ?? ToolEnvironment.Read("AZURE_TENANT_ID") }, authority)),
        AuthKind.ManagedIdentity when tenant == StampMetadata.AdfsTenant =>
            new UnavailableCredential(auth, cloud, "a managed identity cannot sign in at an AD FS stamp's AD FS; use --stamp-auth environment with a service principal of the stamp's AD FS"),
        AuthKind.ManagedIdentity => new ManagedIdentityCredential(At(
            new ManagedIdentityCredentialOptions(
                ToolEnvironment.Read("AZURE_CLIENT_ID") is { } clientId ? ManagedIdentityId.FromUserAssignedClientId(clientId) : ManagedIdentityId.SystemAssigned),
            authority)),
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
            return NotSet(AuthKind.Environment, cloud, missing);
        }

        return string.IsNullOrWhiteSpace(secret)
            ? new ClientCertificateCredential(tenantId, clientId, certificate, At(new ClientCertificateCredentialOptions(), authority))
            : new ClientSecretCredential(tenantId, clientId, secret, At(new ClientSecretCredentialOptions(), authority));
    }

    private static UnavailableCredential? ReadAll(IReadOnlyList<string> names, AuthKind auth, AzureCloud cloud)
    {
        var absent = names.Where(name => string.IsNullOrWhiteSpace(ToolEnvironment.Read(name)) && name != "AZURE_TENANT_ID").ToArray();
        return absent.Length == 0 ? null : NotSet(auth, cloud, absent);
    }
}
