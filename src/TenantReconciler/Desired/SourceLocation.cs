namespace TenantReconciler.Desired;

/// <summary>A position in a desired-state file. Line and column are 1-based, as editors show them.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
