using System.Globalization;

namespace TenantReconciler.Smoke;

/// <summary>A unified diff of two texts' lines (as <c>diff -u</c> prints it), to show where two builds' outputs part.</summary>
internal static class UnifiedDiff
{
    /// <summary>Above this many line pairs the middle is shown as replaced as a whole (the diff is for a reader).</summary>
    private const long MaxCells = 4_000_000;

    public static IEnumerable<string> Lines(IReadOnlyList<string> from, IReadOnlyList<string> to, string fromName, string toName, int context)
    {
        var edits = Edits(from, to);
        if (edits.All(e => e.Kind == ' '))
        {
            yield break;
        }

        yield return "--- " + fromName;
        yield return "+++ " + toName;
        var changed = Enumerable.Range(0, edits.Count).Where(i => edits[i].Kind != ' ').ToList();
        var next = 0;
        while (next < changed.Count)
        {
            // A hunk: changes no more than 2 * context unchanged lines apart, with context lines around them.
            var first = changed[next];
            var last = first;
            while (next + 1 < changed.Count && changed[next + 1] - last <= 2 * context + 1)
            {
                last = changed[++next];
            }

            next++;
            var start = Math.Max(0, first - context);
            var end = Math.Min(edits.Count - 1, last + context);
            var hunk = edits.Skip(start).Take(end - start + 1).ToList();
            var fromStart = edits[start].From;
            var toStart = edits[start].To;
            var fromCount = hunk.Count(e => e.Kind != '+');
            var toCount = hunk.Count(e => e.Kind != '-');
            yield return string.Create(CultureInfo.InvariantCulture, $"@@ -{Range(fromStart, fromCount)} +{Range(toStart, toCount)} @@");
            foreach (var edit in hunk)
            {
                yield return edit.Kind + edit.Text;
            }
        }
    }

    private static string Range(int start, int count) => count switch
    {
        0 => string.Create(CultureInfo.InvariantCulture, $"{start},0"),
        1 => string.Create(CultureInfo.InvariantCulture, $"{start + 1}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{start + 1},{count}"),
    };

    /// <summary>The lines kept (' '), removed ('-') and added ('+'), each with its 0-based position in each text.</summary>
    private static List<Edit> Edits(IReadOnlyList<string> from, IReadOnlyList<string> to)
    {
        var prefix = 0;
        while (prefix < from.Count && prefix < to.Count && from[prefix] == to[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < from.Count - prefix && suffix < to.Count - prefix && from[from.Count - 1 - suffix] == to[to.Count - 1 - suffix])
        {
            suffix++;
        }

        var edits = new List<Edit>();
        for (var i = 0; i < prefix; i++)
        {
            edits.Add(new Edit(' ', from[i], i, i));
        }

        var a = from.Skip(prefix).Take(from.Count - prefix - suffix).ToList();
        var b = to.Skip(prefix).Take(to.Count - prefix - suffix).ToList();
        if ((long)a.Count * b.Count > MaxCells)
        {
            edits.AddRange(a.Select((line, i) => new Edit('-', line, prefix + i, prefix)));
            edits.AddRange(b.Select((line, j) => new Edit('+', line, prefix + a.Count, prefix + j)));
        }
        else
        {
            // The longest common subsequence, by dynamic programming from the end.
            var lcs = new int[a.Count + 1, b.Count + 1];
            for (var i = a.Count - 1; i >= 0; i--)
            {
                for (var j = b.Count - 1; j >= 0; j--)
                {
                    lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }

            int x = 0, y = 0;
            while (x < a.Count || y < b.Count)
            {
                if (x < a.Count && y < b.Count && a[x] == b[y])
                {
                    edits.Add(new Edit(' ', a[x], prefix + x, prefix + y));
                    x++;
                    y++;
                }
                else if (x < a.Count && (y == b.Count || lcs[x + 1, y] >= lcs[x, y + 1]))
                {
                    edits.Add(new Edit('-', a[x], prefix + x, prefix + y));
                    x++;
                }
                else
                {
                    edits.Add(new Edit('+', b[y], prefix + x, prefix + y));
                    y++;
                }
            }
        }

        for (var k = 0; k < suffix; k++)
        {
            edits.Add(new Edit(' ', from[from.Count - suffix + k], from.Count - suffix + k, to.Count - suffix + k));
        }

        return edits;
    }

    private sealed record Edit(char Kind, string Text, int From, int To);
}
