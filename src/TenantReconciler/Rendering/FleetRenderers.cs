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
    /// <summary>"text", "json", "markdown".</summary>
    public static IReadOnlyList<string> Formats { get; } = Array.AsReadOnly(All(null).Select(r => r.Format).ToArray());

    /// <summary>The renderer for <paramref name="format"/> (case-insensitive), naming settings as <paramref name="optionNames"/> spells them.</summary>
    /// <exception cref="ArgumentException">The format is unknown.</exception>
    public static IFleetRenderer Get(string format, IOptionNames? optionNames = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        return All(optionNames).FirstOrDefault(r => string.Equals(r.Format, format, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown output format '{OutsideText.Sanitize(format)}'. Expected one of: {string.Join(", ", Formats)}.", nameof(format));
    }

    private static IFleetRenderer[] All(IOptionNames? optionNames) => [new FleetTextRenderer(optionNames), new FleetJsonRenderer(), new FleetMarkdownRenderer(FleetMarkdownRenderer.DefaultCharacterLimit, optionNames)];
}
