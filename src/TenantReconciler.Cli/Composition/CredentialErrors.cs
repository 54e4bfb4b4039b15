namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The text of a <see cref="CredentialException"/>: "--auth KIND could not get a token for SCOPE: REASON. HOW TO FIX."
/// REASON is the first line of the credential's own message, at most <see cref="MaxReasonLength"/> characters, with
/// the values of the secret variables redacted.
/// </summary>
public static class CredentialErrors
{
    public const int MaxReasonLength = 300;

    /// <summary>Variables whose values are secrets: never printed, even if a credential's message quotes one.</summary>
    private static readonly string[] SecretVariables = ["AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "SYSTEM_ACCESSTOKEN", "AZURE_PASSWORD"];

    /// <summary>The exception for <paramref name="failure"/>, a credential's own exception for a token of <paramref name="scopes"/>.</summary>
    public static CredentialException Failed(AuthKind auth, AzureCloud cloud, IReadOnlyList<string> scopes, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var full = Redact(failure.Message.Trim());
        var reason = FirstLine(full);
        var details = full.Length > reason.Length ? full : null;
        var paragraph = Paragraph(auth, cloud, scopes, reason);
        if (details is not null)
        {
            paragraph += " (-v diagnostic shows the credential's whole message.)";
        }

        return new CredentialException(auth, paragraph, details, failure);
    }

    /// <summary>The exception for a credential that cannot even be built, e.g. because variables are missing.</summary>
    public static CredentialException Unavailable(AuthKind auth, AzureCloud cloud, IReadOnlyList<string> scopes, string reason) =>
        new(auth, Paragraph(auth, cloud, scopes, reason));

    /// <summary>How to make <paramref name="auth"/> work, ending with the other <c>--auth</c> sources.</summary>
    public static string Hint(AuthKind auth, AzureCloud cloud)
    {
        var login = cloud == AzureCloud.AzureCloud ? "`az login`" : $"`az cloud set --name {cloud}` and `az login`";
        var fix = auth switch
        {
            AuthKind.Cli => $"Sign in with {login} (the Azure CLI must be on PATH)",
            AuthKind.Environment => "Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)",
            AuthKind.WorkloadIdentity => "Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE (set by azure/login with OIDC, or by AKS workload identity)",
            AuthKind.ManagedIdentity => "Run on an Azure resource that has a managed identity (AZURE_CLIENT_ID selects a user-assigned one)",
            AuthKind.AzurePipelines => "Run in an AzureCLI@2 task with a workload identity federation service connection, which sets "
                + "AZURESUBSCRIPTION_TENANT_ID, AZURESUBSCRIPTION_CLIENT_ID and AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, "
                + "and map SYSTEM_ACCESSTOKEN: $(System.AccessToken) in the task's env",
            _ => $"Sign in with {login}, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_FEDERATED_TOKEN_FILE)",
        };
        var others = AuthKinds.ByName.Where(pair => pair.Value != auth && pair.Value != AuthKind.Emulator).Select(pair => pair.Key);
        return $"{fix}, or choose another --auth ({string.Join(", ", others)}).";
    }

    private static string Paragraph(AuthKind auth, AzureCloud cloud, IReadOnlyList<string> scopes, string reason)
    {
        var scope = scopes.Count == 0 ? "ARM" : string.Join(" ", scopes);
        var sentence = reason.Length == 0 ? "no reason given." : reason.EndsWith('.') || reason.EndsWith('!') ? reason : reason + ".";
        return $"--auth {AuthKinds.NameOf(auth)} could not get a token for {scope} ({cloud}): {sentence} {Hint(auth, cloud)}";
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        return line.Length <= MaxReasonLength ? line : line[..(MaxReasonLength - 1)] + "…";
    }

    private static string Redact(string text)
    {
        foreach (var variable in SecretVariables)
        {
            if (ToolEnvironment.Read(variable) is { Length: >= 4 } secret)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
