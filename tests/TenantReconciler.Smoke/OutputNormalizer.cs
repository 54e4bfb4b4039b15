using System.Globalization;
using System.Text.RegularExpressions;

namespace TenantReconciler.Smoke;

/// <summary>
/// The parts of an output that differ on every run, whichever build, replaced by placeholders: random ids (plan, apply
/// and event ids; a GUID of the inputs is kept), timestamps, loopback ports, durations, JSON number fields that are
/// durations or process ids, the journal's writer (host/pid, in JSON and in prose) and a plan's content hash (it covers the plan's time).
/// </summary>
public sealed partial class OutputNormalizer
{
    private readonly HashSet<string> _inputIds;

    /// <param name="inputIds">The GUIDs of the inputs (tenants.yaml, the emulator state): kept as they are.</param>
    public OutputNormalizer(IEnumerable<string> inputIds)
    {
        _inputIds = new HashSet<string>(inputIds.Select(id => id.ToLowerInvariant()), StringComparer.Ordinal);
    }

    /// <summary>A normalizer that keeps every GUID found in <paramref name="inputTexts"/> (the inputs' contents).</summary>
    public static OutputNormalizer ForInputs(params string[] inputTexts) =>
        new(inputTexts.SelectMany(text => DashedGuid().Matches(text).Select(match => match.Value)));

    /// <summary>
    /// <paramref name="text"/> with its unstable parts replaced. Each id not of the inputs becomes <c>&lt;idN&gt;</c>,
    /// numbered from 1 in order of first appearance in this text (case aside), so two texts that use their ids alike
    /// normalize alike.
    /// </summary>
    public string Normalize(string text)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Id(Match match)
        {
            var key = match.Value.ToLowerInvariant();
            if (_inputIds.Contains(key))
            {
                return match.Value;
            }

            if (!ids.TryGetValue(key, out var placeholder))
            {
                placeholder = string.Create(CultureInfo.InvariantCulture, $"<id{ids.Count + 1}>");
                ids[key] = placeholder;
            }

            return placeholder;
        }

        text = Writer().Replace(text, "\"writer\":\"<host/pid>\"");
        text = ContentHash().Replace(text, "\"contentHash\":\"<content hash>\"");
        text = ProseWriter().Replace(text, "by <host/pid>");
        text = DashedGuid().Replace(text, Id);
        text = HexGuid().Replace(text, Id);
        text = Timestamp().Replace(text, "<time>");
        text = Port().Replace(text, "$1:<port>");
        text = JsonNumberField().Replace(text, "\"$1\":<n>");
        text = Duration().Replace(text, "<duration>");
        return text;
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex DashedGuid();

    [GeneratedRegex(@"\b[0-9a-f]{32}\b")]
    private static partial Regex HexGuid();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"(127\.0\.0\.1|localhost|\[::1\]):\d+")]
    private static partial Regex Port();

    [GeneratedRegex(@"\b\d+(?:\.\d+)?(?:E-?\d+)? ?(?:ms|s)\b")]
    private static partial Regex Duration();

    [GeneratedRegex(@"""(durationMs|elapsedMs|duration|elapsed|durationSeconds|pid|processId)"":\s*[0-9.eE+-]+")]
    private static partial Regex JsonNumberField();

    [GeneratedRegex(@"""writer"":\s*""[^""]*""")]
    private static partial Regex Writer();

    [GeneratedRegex(@"""contentHash"":\s*""sha256:[0-9a-f]{64}""")]
    private static partial Regex ContentHash();

    [GeneratedRegex(@"\bby [^\s/()]+/\d+\b")]
    private static partial Regex ProseWriter();
}
