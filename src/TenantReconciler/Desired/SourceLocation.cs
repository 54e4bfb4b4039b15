namespace TenantReconciler.Desired;

/// <summary>A position in a desired-state file. Line and column are 1-based, as editors show them.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary>"tenants.yaml:3:21". The file name came from the checkout (a directory's entry), so it is sanitised.</summary>
    public override string ToString() => $"{OutsideText.Sanitize(File)}:{Line}:{Column}";
}
