using System.Globalization;
using System.Text;

namespace TenantReconciler.Desired;

/// <summary>Helpers for echoing user input in messages.</summary>
internal static class Text
{
    private const int MaxShown = 80;

    /// <summary>
    /// The value made safe for a terminal (<see cref="OutsideText"/>: control and invisible characters become
    /// <c>\uXXXX</c>), and long values are cut. Use inside quotes: <c>$"'{Text.Quote(v)}'"</c>.
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= MaxShown)
        {
            return OutsideText.Sanitize(value);
        }

        var cut = char.IsHighSurrogate(value[MaxShown - 1]) ? MaxShown - 1 : MaxShown;
        return OutsideText.Sanitize(value[..cut]) + "…";
    }

    /// <summary><c>U+0430 'а'</c>: how a message names one character.</summary>
    public static string DescribeChar(char c) =>
        char.IsSurrogate(c) || OutsideText.IsUnsafe(new Rune(c))
            ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")
            : string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4} '{c}'");
}
