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
    };

    /// <summary>Every <c>--auth</c> value, for help texts: "default, cli, …, azure-pipelines".</summary>
    public static string Names => string.Join(", ", ByName.Keys);

    /// <summary>The <c>--auth</c> spelling of <paramref name="auth"/>, e.g. <c>workload-identity</c>.</summary>
    public static string NameOf(AuthKind auth) => ByName.First(pair => pair.Value == auth).Key;
}
