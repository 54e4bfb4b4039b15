using System.Reflection;

namespace TenantReconciler.Cli;

public static class ToolInfo
{
    /// <summary>The command as users type it, in messages such as <c>see 'tenant-reconciler plan --help'</c>.</summary>
    public const string CommandName = "tenant-reconciler";

    /// <summary>
    /// The tool's version: MinVer's, from the git tags (<c>v1.2.3</c> gives 1.2.3; untagged history gives
    /// 0.0.0-alpha.0.N), a SemVer 2.0 string. It is the assembly's informational version, which is what
    /// <c>--version</c> prints, and what a saved plan records as its <c>toolVersion</c>.
    /// </summary>
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Where the apply journal goes when --journal is not given (relative to the working directory).</summary>
    public const string DefaultJournal = ".tenant-reconciler/journal.jsonl";
}
