using Azure.Core;
using Azure.Identity;
using TenantReconciler.Live;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// Turns <c>--auth</c> into an Azure.Identity credential for the cloud in tenants.yaml: every credential asks that
/// cloud's authority only (or <c>AZURE_AUTHORITY_HOST</c>, when set: a sovereign cloud, Azure Stack's AD FS, a test),
/// and a token it cannot produce is a <see cref="CredentialException"/> (see <see cref="ExplainedCredential"/>).
/// Variables a credential needs and does not find are named before anything is asked. A DI singleton, so tests can
/// substitute a credential (for example one that returns a canary token).
/// </summary>
public class CredentialFactory
{
    /// <summary>The variables <c>--auth azure-pipelines</c> reads (those an <c>AzureCLI@2</c> task sets, and the job's token).</summary>
    public static IReadOnlyList<string> AzurePipelinesVariables { get; } =
    [
        "AZURESUBSCRIPTION_TENANT_ID",
        "AZURESUBSCRIPTION_CLIENT_ID",
        "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID",
        "SYSTEM_ACCESSTOKEN",
        "SYSTEM_OIDCREQUESTURI",
    ];

    /// <summary>The variables <c>--auth github-actions</c> reads (GitHub sets the first two for <c>permissions: id-token: write</c>).</summary>
    public static IReadOnlyList<string> GitHubActionsVariables { get; } =
    [
        GitHubActionsOidc.RequestUrlVariable,
        GitHubActionsOidc.RequestTokenVariable,
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
    ];

    /// <summary>The variables <c>--auth workload-identity</c> reads (AKS workload identity sets them).</summary>
    public static IReadOnlyList<string> WorkloadIdentityVariables { get; } = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"];

    /// <summary>Azure.Identity's variable for the Entra authority: when set, it replaces the cloud's for every credential.</summary>
    public const string AuthorityHostVariable = "AZURE_AUTHORITY_HOST";

    /// <summary>
    /// Applied to every Azure.Identity credential's options after the cloud's authority host is set; null in production.
    /// Tests set a transport that records hosts (so nothing leaves the machine) and fewer retries.
    /// </summary>
    public Action<TokenCredentialOptions>? ConfigureOptions { get; init; }

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

        if (AuthorityHostProblem() is { } problem)
        {
            return new UnavailableCredential(auth, cloud, problem);
        }

        return new ExplainedCredential(CreateIdentityCredential(auth, cloud), auth, cloud);
    }

    /// <summary>
    /// The stamp's credential (<c>--stamp-auth</c>): the same kinds as <c>--auth</c>, signed in where the stamp's metadata
    /// document says. A stamp whose <c>loginEndpoint</c> is the cloud's own Entra authority gets exactly the credential
    /// <c>--auth</c> would build (the scope differs, not the credential). An AD FS stamp (<c>loginEndpoint</c> ending in
    /// <c>/adfs</c>) signs in at that AD FS with tenant <c>adfs</c>, and any authority that is not a public cloud's has
    /// instance discovery off, so that nothing asks login.microsoftonline.com (a disconnected stamp cannot reach it).
    /// Null <paramref name="metadata"/> for <c>--stamp-auth emulator</c>.
    /// </summary>
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

        return new ExplainedCredential(new StampAuthorityCredentials(ConfigureOptions).Create(auth, cloud, authority, metadata.Tenant), auth, cloud);
    }

    /// <summary>
    /// The Entra authority every credential asks: <c>AZURE_AUTHORITY_HOST</c> when it is set (as Azure.Identity
    /// documents it), else the cloud's own.
    /// </summary>
    public static Uri AuthorityHostFor(AzureCloud cloud) =>
        ToolEnvironment.Read(AuthorityHostVariable) is { } value && Uri.TryCreate(value, UriKind.Absolute, out var host)
            ? host
            : cloud.AuthorityHost();

    /// <summary>
    /// True when <paramref name="authorityHost"/> is one of the public clouds' Entra authorities. For any other
    /// (AD FS, a private or test endpoint) instance discovery is turned off, so that nothing but that host is asked.
    /// </summary>
    public static bool IsKnownAuthority(Uri authorityHost) =>
        Enum.GetValues<AzureCloud>().Any(cloud => string.Equals(cloud.AuthorityHost().Host, authorityHost.Host, StringComparison.OrdinalIgnoreCase));

    private static string? AuthorityHostProblem()
    {
        if (ToolEnvironment.Read(AuthorityHostVariable) is not { } value)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var host) && host.Scheme == Uri.UriSchemeHttps
            && string.IsNullOrEmpty(host.UserInfo) && string.IsNullOrEmpty(host.Query) && string.IsNullOrEmpty(host.Fragment)
                ? null
                : $"{AuthorityHostVariable} is set but is not an absolute https URL without user-info, query or fragment (e.g. https://login.microsoftonline.us/)";
    }

    private TokenCredential CreateIdentityCredential(AuthKind auth, AzureCloud cloud) => auth switch
    {
        AuthKind.Default => new DefaultAzureCredential(Configure(new DefaultAzureCredentialOptions { RetryPolicy = new LocalEndpointRetryPolicy() }, cloud)),
        AuthKind.Cli => new AzureCliCredential(Configure(new AzureCliCredentialOptions(), cloud)),
        AuthKind.Environment => new EnvironmentCredential(Configure(new EnvironmentCredentialOptions(), cloud)),
        AuthKind.WorkloadIdentity => CreateWorkloadIdentity(cloud),
        AuthKind.ManagedIdentity => new ManagedIdentityCredential(Configure(
            new ManagedIdentityCredentialOptions(
                ToolEnvironment.Read("AZURE_CLIENT_ID") is { } clientId
                    ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                    : ManagedIdentityId.SystemAssigned),
            cloud)),
        AuthKind.AzurePipelines => CreateAzurePipelines(cloud),
        AuthKind.GitHubActions => CreateGitHubActions(cloud),
        _ => throw new ArgumentOutOfRangeException(nameof(auth), auth, null),
    };

    private TokenCredential CreateWorkloadIdentity(AzureCloud cloud)
    {
        CredentialVariables.Read(WorkloadIdentityVariables, AuthKind.WorkloadIdentity, cloud, out var missing);
        return missing ?? (TokenCredential)new WorkloadIdentityCredential(Configure(new WorkloadIdentityCredentialOptions(), cloud));
    }

    private TokenCredential CreateAzurePipelines(AzureCloud cloud)
    {
        var values = CredentialVariables.Read(AzurePipelinesVariables, AuthKind.AzurePipelines, cloud, out var missing);
        if (missing is not null)
        {
            return missing;
        }

        // SYSTEM_OIDCREQUESTURI (set by the agent) is read by the credential itself.
        var options = Configure(new AzurePipelinesCredentialOptions(), cloud);
        return new AzurePipelinesCredential(
            values["AZURESUBSCRIPTION_TENANT_ID"],
            values["AZURESUBSCRIPTION_CLIENT_ID"],
            values["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"],
            values["SYSTEM_ACCESSTOKEN"],
            options);
    }

    private TokenCredential CreateGitHubActions(AzureCloud cloud)
    {
        var values = CredentialVariables.Read(GitHubActionsVariables, AuthKind.GitHubActions, cloud, out var missing);
        if (missing is not null)
        {
            return missing;
        }

        var requestUrl = values[GitHubActionsOidc.RequestUrlVariable]!;
        if (!Uri.TryCreate(requestUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            // The request token is a bearer secret: it never travels over plain http.
            return new UnavailableCredential(AuthKind.GitHubActions, cloud, $"{GitHubActionsOidc.RequestUrlVariable} is not an absolute https URL");
        }

        var options = Configure(new ClientAssertionCredentialOptions(), cloud);
        var oidc = new GitHubActionsOidc(url, values[GitHubActionsOidc.RequestTokenVariable]!, GitHubActionsOidc.AudienceFor(cloud), options);
        return new ClientAssertionCredential(values["AZURE_TENANT_ID"], values["AZURE_CLIENT_ID"], oidc.GetTokenAsync, options);
    }

    /// <summary>The options at the cloud's authority (<see cref="AuthorityHostFor"/>).</summary>
    private T Configure<T>(T options, AzureCloud cloud)
        where T : TokenCredentialOptions => IdentityOptions.At(options, AuthorityHostFor(cloud), ConfigureOptions);
}
