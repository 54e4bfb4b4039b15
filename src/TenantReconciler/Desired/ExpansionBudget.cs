using System.Globalization;
using YamlDotNet.Core;

namespace TenantReconciler.Desired;

/// <summary>
/// The one budget of <see cref="YamlEventCursor"/> for anchors and aliases: events recorded (for anchors and merge
/// sources; an event inside nested anchors is recorded once per enclosing anchor) plus events replayed (for aliases
/// and merges). Generous for legitimate reuse (a shared tenant list under every registration), fatal for alias bombs
/// ("billion laughs") and for anchors nested in anchors, so neither time nor memory can run away.
/// </summary>
internal sealed class ExpansionBudget(long ceiling = ExpansionBudget.MaxEvents)
{
    /// <summary>
    /// The absolute ceiling, whatever the file: at most ~256 MB of recordings (16 bytes an event). Below it the
    /// budget is 1,000,000 events plus 100 per event parsed, which stops an alias bomb long before.
    /// </summary>
    public const long MaxEvents = 16_000_000;

    private long _parsed;
    private long _spent;

    /// <summary>The budget now: it grows with what the file holds, up to the ceiling.</summary>
    public long Limit => Math.Min(ceiling, 1_000_000 + (100 * _parsed));

    /// <summary>One event read from the parser.</summary>
    public void CountParsed() => _parsed++;

    /// <summary>One event replayed; <paramref name="anchor"/> is the alias's anchor (null for a merge source).</summary>
    /// <exception cref="YamlException">The budget is spent; reported at <paramref name="at"/>.</exception>
    public void CountReplayed(string? anchor, Mark at)
    {
        if (++_spent > Limit)
        {
            throw Exhausted("Aliases expand to", anchor is null ? "a merged mapping" : $"the alias '*{anchor}'", at);
        }
    }

    /// <summary>One event recorded; <paramref name="anchor"/> is the anchor that records it (null for a merge source).</summary>
    /// <exception cref="YamlException">The budget is spent; reported at <paramref name="at"/>.</exception>
    public void CountRecorded(string? anchor, Mark at)
    {
        if (++_spent > Limit)
        {
            throw Exhausted("Nested anchors record", anchor is null ? "a merged mapping" : $"the anchor '&{anchor}'", at);
        }
    }

    private YamlException Exhausted(string what, string where, Mark at) =>
        new(
            at,
            at,
            string.Create(
                CultureInfo.InvariantCulture,
                $"{what} far more content than the file holds (over {Limit:N0} events recorded and replayed, reached at {where}); refusing to expand them further. Avoid aliases of aliases and anchors nested many levels deep."));
}
