namespace TenantReconciler.Desired;

/// <summary>One problem in a desired-state file, with where it is. <see cref="Code"/> is stable (e.g. <c>TR1004</c>).</summary>
public sealed record Diagnostic(SourceLocation Location, string Code, string Message)
{
    public override string ToString() => $"{Location}: error {Code}: {Message}";
}
