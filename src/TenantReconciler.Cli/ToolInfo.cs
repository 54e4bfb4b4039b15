using System.Reflection;

namespace TenantReconciler.Cli;

public static class ToolInfo
{
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Where the apply journal goes when --journal is not given (relative to the working directory).</summary>
    public const string DefaultJournal = ".tenant-reconciler/journal.jsonl";
}
