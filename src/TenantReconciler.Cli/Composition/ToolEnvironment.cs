namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The one place where the tool reads the environment variables that are defaults of its options: the option given on
/// the command line always wins. Besides these, <c>Program</c> reads <c>NO_COLOR</c>, <c>TERM</c> and <c>CI</c> to
/// choose the output style (<see cref="Output.OutputStyles"/>), and the credentials' own variables (AZURE_*,
/// SYSTEM_ACCESSTOKEN, …) are read by Azure.Identity, and by <see cref="CredentialFactory"/> only to say which are missing.
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
