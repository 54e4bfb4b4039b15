namespace TenantReconciler.Cli.Composition;

/// <summary>The credential sources of <c>--auth</c>. Chosen explicitly, never guessed.</summary>
public enum AuthKind
{
    Default,
    Cli,
    Environment,
    WorkloadIdentity,
    ManagedIdentity,
    Emulator,

    /// <summary>
    /// Azure Pipelines' workload identity federation (Azure.Identity's <c>AzurePipelinesCredential</c>), from the
    /// variables an <c>AzureCLI@2</c> task sets: <c>AZURESUBSCRIPTION_TENANT_ID</c>, <c>AZURESUBSCRIPTION_CLIENT_ID</c>,
    /// <c>AZURESUBSCRIPTION_SERVICE_CONNECTION_ID</c>, and <c>SYSTEM_ACCESSTOKEN</c> (mapped from <c>$(System.AccessToken)</c>).
    /// </summary>
    AzurePipelines,

    /// <summary>
    /// GitHub Actions' OIDC token (<c>permissions: id-token: write</c>) as the client assertion of an Entra app with a
    /// federated credential (Azure.Identity's <c>ClientAssertionCredential</c>): requested from
    /// <c>ACTIONS_ID_TOKEN_REQUEST_URL</c> with <c>ACTIONS_ID_TOKEN_REQUEST_TOKEN</c>, fresh for each assertion, for
    /// <c>AZURE_CLIENT_ID</c> in <c>AZURE_TENANT_ID</c>. GitHub writes no token file, so <c>workload-identity</c> does not fit there.
    /// </summary>
    GitHubActions,
}

public static class AuthKinds
{
    public static IReadOnlyDictionary<string, AuthKind> ByName { get; } = new Dictionary<string, AuthKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["default"] = AuthKind.Default,
        ["cli"] = AuthKind.Cli,
        ["environment"] = AuthKind.Environment,
        ["workload-identity"] = AuthKind.WorkloadIdentity,
        ["managed-identity"] = AuthKind.ManagedIdentity,
        ["emulator"] = AuthKind.Emulator,
        ["azure-pipelines"] = AuthKind.AzurePipelines,
        ["github-actions"] = AuthKind.GitHubActions,
    };

    /// <summary>Every <c>--auth</c> value, for help texts: "default, cli, …, azure-pipelines".</summary>
    public static string Names => string.Join(", ", ByName.Keys);

    /// <summary>The <c>--auth</c> spelling of <paramref name="auth"/>, e.g. <c>workload-identity</c>.</summary>
    public static string NameOf(AuthKind auth) => ByName.First(pair => pair.Value == auth).Key;
}
