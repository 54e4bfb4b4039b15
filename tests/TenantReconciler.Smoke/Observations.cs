using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TenantReconciler.Smoke;

/// <summary>What a step observes of a running service, shaped so that what is not the build's to decide drops out.</summary>
internal static partial class Observations
{
    /// <summary>
    /// The bodies a receiver got, each after its content type, in a stable order: the registrations are reconciled side
    /// by side, so which of two events is sent first is not the build's to decide.
    /// </summary>
    public static IReadOnlyList<string> Received(IEnumerable<WebhookReceiver.Request> requests, OutputNormalizer normalizer) =>
        requests.Select(r => r.ContentType + "\n" + Encoding.UTF8.GetString(r.Body))
            .OrderBy(normalizer.Normalize, StringComparer.Ordinal)
            .ToList();

    /// <summary>The tool's own metric series (names and labels, not values: durations differ on every run).</summary>
    public static string MetricNames(string text) =>
        string.Join('\n', TextLines.Split(text)
            .Where(line => line.StartsWith("tenant_reconciler_", StringComparison.Ordinal))
            .Select(line => MetricValue().Replace(line, ""))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal));

    /// <summary>
    /// The JSON log lines by level, category and event id, sorted: the messages carry durations and times, and the
    /// service's parts log side by side, so the order of two lines is not the build's to decide.
    /// </summary>
    public static string LogEvents(string text) =>
        string.Join('\n', TextLines.Split(text).Select(LogEvent).Order(StringComparer.Ordinal));

    private static string LogEvent(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var entry = document.RootElement;
            if (entry.ValueKind != JsonValueKind.Object)
            {
                return "not a JSON object: " + line;
            }

            var level = Present(entry, "LogLevel") ?? Present(entry, "level");
            var category = Present(entry, "Category") ?? Present(entry, "category");
            var eventId = entry.TryGetProperty("EventId", out var id) ? Value(id) : Present(entry, "eventId");
            return $"{level ?? "-"} {category ?? "-"} {eventId ?? "-"}";
        }
        catch (JsonException)
        {
            return "not JSON: " + line;
        }
    }

    /// <summary>The property's value, or null when it is missing, null or empty.</summary>
    private static string? Present(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && Value(value) is { Length: > 0 } text ? text : null;

    private static string? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };

    // A sample's value and its optional timestamp, at the end of the line.
    [GeneratedRegex(@"\s+\S+(\s+\d+)?$")]
    private static partial Regex MetricValue();
}
