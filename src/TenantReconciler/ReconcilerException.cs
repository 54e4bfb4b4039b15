namespace TenantReconciler;

/// <summary>
/// The one exception type for expected failures: invalid input, an ARM error, a refused listing.
/// It is caught only at the command boundary, where it becomes a message on stderr and an exit code.
/// Anything else is a bug and propagates.
/// </summary>
public class ReconcilerException : Exception
{
    public ReconcilerException(string message)
        : base(message)
    {
    }

    public ReconcilerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Every problem found, when the failure is a list of them (validation). Empty otherwise.</summary>
    public IReadOnlyList<Desired.Diagnostic> Diagnostics { get; init; } = [];
}
