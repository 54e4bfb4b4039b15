namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The <c>--auth</c> credential cannot produce a token: an expected failure (no sign-in, variables missing, no managed
/// identity here), reported as one short paragraph that names the source, the token scope, the credential's own reason
/// and how to fix it. Never carries a secret.
/// </summary>
public sealed class CredentialException : ReconcilerException
{
    public CredentialException(AuthKind auth, string message, string? details = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Auth = auth;
        Details = details;
    }

    /// <summary>The credential source that failed.</summary>
    public AuthKind Auth { get; }

    /// <summary>
    /// The credential's whole message (for <c>DefaultAzureCredential</c>, one line per source it tried), with secrets
    /// redacted; printed with <c>--verbosity diagnostic</c> only. Null when there is nothing beyond <see cref="Exception.Message"/>.
    /// </summary>
    public string? Details { get; }
}
