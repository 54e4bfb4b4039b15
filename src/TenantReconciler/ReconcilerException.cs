namespace TenantReconciler;

/// <summary>
/// The one exception type for expected failures: invalid input, an ARM error, a refused listing.
/// The command boundary turns it into a message on stderr and exit 1. Where a failure is data it is caught earlier
/// and becomes part of a result: the engine's outcome status (<c>Reconciler</c>), a watch tick's registration result,
/// a line of <c>check</c> or <c>tenants</c>, and a credential failure's own kind (<c>TokenUnavailableException</c>).
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
