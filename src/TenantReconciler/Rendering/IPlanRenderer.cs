using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>Writes a <see cref="Plan"/> in one output format. Renderers are stateless and never touch the console.</summary>
public interface IPlanRenderer
{
    /// <summary>The name of the format, as given to <c>--output</c>: "text", "json" or "markdown".</summary>
    string Format { get; }

    /// <summary>Writes <paramref name="plan"/> to <paramref name="writer"/>.</summary>
    /// <param name="warnings">
    /// The guards that a default apply would trip (<see cref="PruneGuards.Evaluate"/>). Formats that have no place for
    /// them ignore them; the markdown comment always shows them.
    /// </param>
    void Render(Plan plan, TextWriter writer, IReadOnlyList<GuardViolation>? warnings = null);
}
