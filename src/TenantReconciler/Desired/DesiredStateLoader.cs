namespace TenantReconciler.Desired;

/// <summary>Loads and validates tenants.yaml. Every problem is collected and thrown at once as a <see cref="DesiredStateException"/>.</summary>
public static class DesiredStateLoader
{
    public static DesiredState Load(string path)
    {
        throw new NotImplementedException();
    }

    /// <summary>Parses YAML text; <paramref name="fileName"/> is what diagnostics name.</summary>
    public static DesiredState Parse(string yaml, string fileName)
    {
        throw new NotImplementedException();
    }
}

/// <summary>The desired-state file is invalid. <see cref="ReconcilerException.Diagnostics"/> lists every problem.</summary>
public sealed class DesiredStateException : ReconcilerException
{
    public DesiredStateException(IReadOnlyList<Diagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics))
    {
        Diagnostics = diagnostics;
    }
}
