namespace TenantReconciler;

/// <summary>
/// The one exception type for expected failures: invalid input, an ARM error, a refused listing.
/// The command boundary turns it into a message on stderr and exit 1. Where a failure is data it is caught earlier
/// and becomes part of a result: the engine's outcome status (<c>Reconciler</c>), a watch tick's registration result,
/// a line of <c>check</c>, <c>tenants</c> or <c>audit</c>, a stamp report's problem (<c>StampReader</c>), and a
/// credential failure's own kind (<c>TokenUnavailableException</c>); a saved plan's reader wraps one in its own
/// sentence. Anything else is a bug and propagates.
/// </summary>
public class ReconcilerException : Exception
{
    public ReconcilerException(string message)
        : this(OptionText.Plain(message), null)
    {
    }

    public ReconcilerException(string message, Exception? innerException)
        : this(OptionText.Plain(message), innerException)
    {
    }

    /// <summary>A failure whose sentence names settings as data (<see cref="UserOption"/>); <see cref="Exception.Message"/> spells them neutrally.</summary>
    public ReconcilerException(OptionText text, Exception? innerException = null)
        : base(text?.ToString(), innerException)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
    }

    /// <summary>The sentence, its settings as data: the host spells them (<see cref="OptionText.Spell"/>) when it prints it.</summary>
    public OptionText Text { get; }

    /// <summary>Every problem found, when the failure is a list of them (validation). Empty otherwise.</summary>
    public IReadOnlyList<Desired.Diagnostic> Diagnostics { get; init; } = [];
}
