namespace TenantReconciler.Rendering;

/// <summary>The renderers by format name.</summary>
public static class PlanRenderers
{
    private static readonly IPlanRenderer[] All = [new TextPlanRenderer(), new JsonPlanRenderer(), new MarkdownPlanRenderer()];

    /// <summary>The format names, in the order they are documented: "text", "json", "markdown".</summary>
    public static IReadOnlyList<string> Formats { get; } = Array.AsReadOnly(All.Select(r => r.Format).ToArray());

    /// <summary>The renderer for <paramref name="format"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The format is unknown.</exception>
    public static IPlanRenderer Get(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        foreach (var renderer in All)
        {
            if (string.Equals(renderer.Format, format, StringComparison.OrdinalIgnoreCase))
            {
                return renderer;
            }
        }

        throw new ArgumentException(
            $"Unknown output format '{OutsideText.Sanitize(format)}'. Expected one of: {string.Join(", ", Formats)}.", nameof(format));
    }
}
