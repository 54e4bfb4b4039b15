using TenantReconciler.Fleet;

namespace TenantReconciler.Rendering;

/// <summary>Writes a <see cref="FleetView"/> in one output format. Renderers are stateless and never touch the console.</summary>
public interface IFleetRenderer
{
    /// <summary>The name of the format, as given to <c>tenants --output</c>: "text", "json" or "markdown".</summary>
    string Format { get; }

    void Render(FleetView view, TextWriter writer);
}

/// <summary>The tenant × registration renderers by format name.</summary>
public static class FleetRenderers
{
    private static readonly IFleetRenderer[] All = [new FleetTextRenderer(), new FleetJsonRenderer(), new FleetMarkdownRenderer()];

    /// <summary>"text", "json", "markdown".</summary>
    public static IReadOnlyList<string> Formats { get; } = Array.AsReadOnly(All.Select(r => r.Format).ToArray());

    /// <summary>The renderer for <paramref name="format"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The format is unknown.</exception>
    public static IFleetRenderer Get(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return All.FirstOrDefault(r => string.Equals(r.Format, format, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown output format '{OutsideText.Sanitize(format)}'. Expected one of: {string.Join(", ", Formats)}.", nameof(format));
    }
}
