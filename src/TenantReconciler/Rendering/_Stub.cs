// Temporary stub until the renderers land.
namespace TenantReconciler.Rendering;

public interface IPlanRenderer
{
    string Format { get; }

    void Render(Planning.Plan plan, TextWriter writer);
}

public static class PlanRenderers
{
    public static IReadOnlyList<string> Formats { get; } = ["text", "json", "markdown"];

    public static IPlanRenderer Get(string format) => throw new NotImplementedException();
}

public sealed class TextPlanRenderer : IPlanRenderer
{
    public string Format => "text";

    public void Render(Planning.Plan plan, TextWriter writer) => throw new NotImplementedException();
}
