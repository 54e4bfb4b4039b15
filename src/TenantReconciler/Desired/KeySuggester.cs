namespace TenantReconciler.Desired;

/// <summary>"Did you mean …?" for unknown keys. Only called on the error path.</summary>
internal static class KeySuggester
{
    /// <summary>
    /// The known key that <paramref name="key"/> most likely misspells: one that differs only by case, or else the
    /// closest by edit distance (ignoring case) when that distance is small for the key's length. Null if none fits.
    /// </summary>
    public static string? Suggest(string key, IReadOnlyList<string> knownKeys)
    {
        foreach (var known in knownKeys)
        {
            if (string.Equals(key, known, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var known in knownKeys)
        {
            var limit = Math.Clamp(known.Length / 3, 1, 3);
            var distance = Distance(key, known);
            if (distance <= limit && distance < bestDistance)
            {
                best = known;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Case-insensitive edit distance counting a swap of two neighbours as one edit (optimal string alignment).</summary>
    internal static int Distance(string a, string b)
    {
        if (a.Length > 256 || b.Length > 256)
        {
            return int.MaxValue;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var ca = char.ToLowerInvariant(a[i - 1]);
            for (var j = 1; j <= b.Length; j++)
            {
                var cb = char.ToLowerInvariant(b[j - 1]);
                var cost = ca == cb ? 0 : 1;
                var best = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && ca == char.ToLowerInvariant(b[j - 2]) && char.ToLowerInvariant(a[i - 2]) == cb)
                {
                    best = Math.Min(best, d[i - 2, j - 2] + 1);
                }

                d[i, j] = best;
            }
        }

        return d[a.Length, b.Length];
    }
}
