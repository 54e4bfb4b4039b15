namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The one reader of environment variables in the tool's own code but <c>Program</c>: the defaults of its options (the
/// option given on the command line always wins), and the credentials' variables that <see cref="CredentialFactory"/>
/// reads to build a credential, to say which are missing, or to name the CI it runs on (<see cref="CredentialErrors"/>).
/// Besides, <c>Program</c> reads <c>NO_COLOR</c>, <c>TERM</c> and <c>CI</c> to choose the output style
/// (<see cref="Output.OutputStyles"/>), and Azure.Identity reads its own (AZURE_*, …).
/// </summary>
public static class ToolEnvironment
{
    /// <summary>Default of <c>--journal</c>.</summary>
    public const string Journal = "TENANT_RECONCILER_JOURNAL";

    /// <summary>Default of <c>--journal-connection-string</c> (a secret: never printed).</summary>
    public const string JournalConnectionString = "TENANT_RECONCILER_JOURNAL_CONNECTION_STRING";

    /// <summary>Default of <c>--lease-connection-string</c> and <c>--lock-connection-string</c> (a secret: never printed).</summary>
    public const string LeaseConnectionString = "TENANT_RECONCILER_LEASE_CONNECTION_STRING";

    /// <summary>The variable's value, or null when it is unset or empty.</summary>
    public static string? Read(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
