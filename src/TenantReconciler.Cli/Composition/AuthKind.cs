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
    };
}
