using System.Text.RegularExpressions;

namespace TenantReconciler.Smoke;

internal static partial class TextLines
{
    /// <summary>The lines of <paramref name="text"/>, without their ends; a final line end starts no empty line.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var lines = LineEnd().Split(text).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    // Every line boundary Unicode knows (as Python's str.splitlines, which the first version of this suite used).
    [GeneratedRegex("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")]
    private static partial Regex LineEnd();
}
