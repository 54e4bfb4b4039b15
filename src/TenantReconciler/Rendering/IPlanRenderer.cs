using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>Writes a <see cref="Plan"/> in one output format. Renderers are stateless and never touch the console.</summary>
public interface IPlanRenderer
{
    /// <summary>The name of the format, as given to <c>--output</c>: "text", "json" or "markdown".</summary>
    string Format { get; }

    void Render(Plan plan, TextWriter writer);
}
