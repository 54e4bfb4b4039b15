using System.Globalization;
using System.Text;

namespace TenantReconciler.Desired;

/// <summary>Helpers for echoing user input in messages.</summary>
internal static class Text
{
    private const int MaxShown = 80;

    /// <summary>
    /// The value made safe for a terminal: control and invisible characters become <c>\uXXXX</c>, and long values are
    /// cut. Use inside quotes: <c>$"'{Text.Quote(v)}'"</c>.
    /// </summary>
    public static string Quote(string value)
    {
        var needsWork = value.Length > MaxShown;
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                needsWork = true;
                break;
            }
        }

        if (!needsWork)
        {
            return value;
        }

        var sb = new StringBuilder(Math.Min(value.Length, MaxShown) + 8);
        for (var i = 0; i < value.Length && i < MaxShown; i++)
        {
            var c = value[i];
            if (NeedsEscape(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        if (value.Length > MaxShown)
        {
            sb.Append('…');
        }

        return sb.ToString();
    }

    /// <summary><c>U+0430 'а'</c>: how a message names one character.</summary>
    public static string DescribeChar(char c) =>
        NeedsEscape(c)
            ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")
            : string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4} '{c}'");

    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || char.IsSurrogate(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
