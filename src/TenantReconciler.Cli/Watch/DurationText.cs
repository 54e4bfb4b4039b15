using System.Globalization;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// Durations on the command line: <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>500ms</c>, <c>1.5s</c> or <c>hh:mm:ss</c>, and
/// <c>0</c>. A number needs its unit, as in Flux and Go: <c>5</c> is not a duration (<see cref="IsBareNumber"/>).
/// </summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParseExact(text, ["c", @"h\:mm\:ss", @"mm\:ss"], CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60),
            _ when text.EndsWith('h') || text.EndsWith('H') => (text[..^1], 3600),
            _ when text == "0" => (text, 0),
            _ => (string.Empty, 0),
        };

        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || double.IsNaN(amount) || double.IsInfinity(amount) || amount * scale > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(amount * scale);
        return true;
    }

    /// <summary>A number without a unit (<c>5</c>, <c>1.5</c>): the mistake to answer with the units it could mean.</summary>
    public static bool IsBareNumber(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
        && number != 0;

    /// <summary>Short, for logs and the status document: <c>5m</c>, <c>30s</c>, <c>1.5s</c>, <c>250ms</c>.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds < 1000 ? $"{value.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)}ms"
        : value.TotalSeconds < 60 || value.TotalSeconds % 60 != 0 ? $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s"
        : value.TotalMinutes < 60 || value.TotalMinutes % 60 != 0 ? $"{value.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)}m"
        : $"{value.TotalHours.ToString("0", CultureInfo.InvariantCulture)}h";
}
