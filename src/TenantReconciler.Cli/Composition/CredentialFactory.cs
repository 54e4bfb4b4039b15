using Azure.Core;
using Azure.Identity;
using TenantReconciler.Live;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// Turns <c>--auth</c> into an Azure.Identity credential for the cloud in tenants.yaml: every credential asks that
/// cloud's authority only, and a token it cannot produce is a <see cref="CredentialException"/> (see
/// <see cref="ExplainedCredential"/>). A DI singleton, so tests can substitute a credential (for example one that
/// returns a canary token).
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

        return new ExplainedCredential(CreateIdentityCredential(auth, cloud), auth, cloud);
    }

    private TokenCredential CreateIdentityCredential(AuthKind auth, AzureCloud cloud) => auth switch
    {
        AuthKind.Default => new DefaultAzureCredential(Configure(new DefaultAzureCredentialOptions(), cloud)),
        AuthKind.Cli => new AzureCliCredential(Configure(new AzureCliCredentialOptions(), cloud)),
        AuthKind.Environment => new EnvironmentCredential(Configure(new EnvironmentCredentialOptions(), cloud)),
        AuthKind.WorkloadIdentity => new WorkloadIdentityCredential(Configure(new WorkloadIdentityCredentialOptions(), cloud)),
        AuthKind.ManagedIdentity => new ManagedIdentityCredential(Configure(
            new ManagedIdentityCredentialOptions(
                ToolEnvironment.Read("AZURE_CLIENT_ID") is { } clientId
                    ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                    : ManagedIdentityId.SystemAssigned),
            cloud)),
        AuthKind.AzurePipelines => CreateAzurePipelines(cloud),
        _ => throw new ArgumentOutOfRangeException(nameof(auth), auth, null),
    };

    private TokenCredential CreateAzurePipelines(AzureCloud cloud)
    {
        var values = AzurePipelinesVariables.ToDictionary(name => name, ToolEnvironment.Read);
        var missing = values.Where(pair => string.IsNullOrWhiteSpace(pair.Value)).Select(pair => pair.Key).ToArray();
        if (missing.Length > 0)
        {
            return new UnavailableCredential(
                AuthKind.AzurePipelines,
                cloud,
                $"{string.Join(", ", missing)} {(missing.Length == 1 ? "is" : "are")} not set");
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

    private T Configure<T>(T options, AzureCloud cloud)
        where T : TokenCredentialOptions
    {
        options.AuthorityHost = cloud.AuthorityHost();
        ConfigureOptions?.Invoke(options);

        return options;
    }
}
