using System.Text.RegularExpressions;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The text of a <see cref="CredentialException"/>: "--auth KIND could not get a token for SCOPE: REASON. HOW TO FIX."
/// REASON is the first line of the credential's own message (with Entra ID's <c>AADSTS…</c> sentence when the
/// credential's inner exceptions hold one, or the innermost message when that first line only says "failed:"), at
/// most <see cref="MaxReasonLength"/> characters, with the values of the secret variables redacted and no control
/// character (the text comes from outside).
/// </summary>
public static partial class CredentialErrors
{
    public const int MaxReasonLength = 300;

    /// <summary>Variables whose values are secrets: never printed, even if a credential's message quotes one.</summary>
    private static readonly string[] SecretVariables =
        ["AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "SYSTEM_ACCESSTOKEN", "AZURE_PASSWORD", GitHubActionsOidc.RequestTokenVariable];

    /// <summary>The exception for <paramref name="failure"/>, a credential's own exception for a token of <paramref name="scopes"/>.</summary>
    public static CredentialException Failed(AuthKind auth, AzureCloud cloud, IReadOnlyList<string> scopes, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var messages = Chain(failure).Select(e => Redact(e.Message.Trim())).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        var full = string.Join("\n", messages);
        var reason = Reason(messages);
        var details = full.Length > reason.Length ? string.Join("\n", full.Split('\n').Select(line => OutsideText.Sanitize(line.TrimEnd('\r')))) : null;
        var paragraph = Paragraph(auth, cloud, scopes, reason);
        if (reason.Contains("AADSTS700213", StringComparison.Ordinal) || reason.Contains("AADSTS70021:", StringComparison.Ordinal))
        {
            paragraph += " Entra ID found no federated credential of the app registration for this token: add one whose issuer, "
                + "subject (e.g. repo:OWNER/REPO:pull_request, or :environment:NAME) and audience match the CI identity.";
        }

        if (details is not null)
        {
            paragraph += " (-v diagnostic shows the credential's whole message.)";
        }

        return new CredentialException(auth, paragraph, details, failure);
    }

    /// <summary>The exception for a credential that cannot even be built, e.g. because variables are missing.</summary>
    public static CredentialException Unavailable(AuthKind auth, AzureCloud cloud, IReadOnlyList<string> scopes, string reason) =>
        new(auth, Paragraph(auth, cloud, scopes, reason));

    /// <summary>
    /// How to make <paramref name="auth"/> work, ending with the other <c>--auth</c> sources. On a CI system whose own
    /// <c>--auth</c> is another one (GitHub Actions, Azure Pipelines), it says so first.
    /// </summary>
    public static string Hint(AuthKind auth, AzureCloud cloud)
    {
        var login = cloud == AzureCloud.AzureCloud ? "`az login`" : $"`az cloud set --name {cloud}` and `az login`";
        var fix = auth switch
        {
            AuthKind.Cli => $"Sign in with {login} (the Azure CLI must be on PATH)",
            AuthKind.Environment => "Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)",
            AuthKind.WorkloadIdentity => "Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE (AKS workload identity sets them; "
                + "GitHub Actions and azure/login write no token file: there, use --auth github-actions)",
            AuthKind.ManagedIdentity => "Run on an Azure resource that has a managed identity (AZURE_CLIENT_ID selects a user-assigned one)",
            AuthKind.AzurePipelines => "Run in an AzureCLI@2 task with a workload identity federation service connection, which sets "
                + "AZURESUBSCRIPTION_TENANT_ID, AZURESUBSCRIPTION_CLIENT_ID and AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, "
                + "and map SYSTEM_ACCESSTOKEN: $(System.AccessToken) in the task's env",
            AuthKind.GitHubActions => "Give the job `permissions: id-token: write` (GitHub then sets ACTIONS_ID_TOKEN_REQUEST_URL and "
                + "ACTIONS_ID_TOKEN_REQUEST_TOKEN), set AZURE_CLIENT_ID and AZURE_TENANT_ID in the step's env, and give that app "
                + "registration a federated credential for this repository (its subject, e.g. repo:OWNER/REPO:pull_request)",
            _ => $"Sign in with {login}, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_FEDERATED_TOKEN_FILE)",
        };
        var others = AuthKinds.ByName.Where(pair => pair.Value != auth && pair.Value != AuthKind.Emulator).Select(pair => pair.Key);
        var fits = FittingAuth() is { } fitting && fitting.Auth != auth ? $"This looks like {fitting.Where}: use --auth {AuthKinds.NameOf(fitting.Auth)}. " : string.Empty;
        return $"{fits}{fix}, or choose another --auth ({string.Join(", ", others)}).";
    }

    /// <summary>The CI system this runs on, by the variables it sets, and the <c>--auth</c> made for it; null elsewhere.</summary>
    internal static (AuthKind Auth, string Where)? FittingAuth() =>
        ToolEnvironment.Read(GitHubActionsOidc.RequestUrlVariable) is not null || ToolEnvironment.Read("GITHUB_ACTIONS") == "true"
            ? (AuthKind.GitHubActions, "GitHub Actions")
            : ToolEnvironment.Read("SYSTEM_OIDCREQUESTURI") is not null || ToolEnvironment.Read("TF_BUILD") is not null
                ? (AuthKind.AzurePipelines, "Azure Pipelines")
                : null;

    private static string Paragraph(AuthKind auth, AzureCloud cloud, IReadOnlyList<string> scopes, string reason)
    {
        var scope = scopes.Count == 0 ? "ARM" : string.Join(" ", scopes);
        var sentence = reason.Length == 0 ? "no reason given." : reason.EndsWith('.') || reason.EndsWith('!') ? reason : reason + ".";
        return $"--auth {AuthKinds.NameOf(auth)} could not get a token for {scope} ({cloud}): {sentence} {Hint(auth, cloud)}";
    }

    /// <summary>
    /// The first line of the outermost message; when a message of the chain holds Entra ID's <c>AADSTS…</c> sentence,
    /// that sentence after it; else, when the first line ends in a colon (Azure.Identity's "… authentication failed:"),
    /// the innermost message's first line after it.
    /// </summary>
    private static string Reason(IReadOnlyList<string> messages)
    {
        var head = messages.Count == 0 ? string.Empty : FirstLine(messages[0]);
        string reason;
        if (messages.Select(m => EntraError().Match(m)).FirstOrDefault(m => m.Success) is { } entra && !head.Contains(entra.Groups["sentence"].Value, StringComparison.Ordinal))
        {
            reason = $"{head.TrimEnd(':', ' ')}: {entra.Groups["sentence"].Value.Trim()}";
        }
        else if (head.EndsWith(':') && messages.Count > 1)
        {
            reason = $"{head.TrimEnd(':', ' ')}: {FirstLine(messages[^1])}";
        }
        else
        {
            reason = head;
        }

        reason = OutsideText.Sanitize(reason);
        return reason.Length <= MaxReasonLength ? reason : reason[..(MaxReasonLength - 1)] + "…";
    }

    private static string FirstLine(string message) =>
        message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;

    private static IEnumerable<Exception> Chain(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>Entra ID's error sentence, without its trace and correlation ids (e.g. <c>AADSTS700213: No matching …</c>).</summary>
    [GeneratedRegex(@"(?<sentence>AADSTS\d+:[^\r\n]*?)(?:\s*Trace ID:[^\r\n]*)?(?:\r|\n|$)")]
    private static partial Regex EntraError();

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
