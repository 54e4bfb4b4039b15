using System.Globalization;
using System.Text;

namespace TenantReconciler;

/// <summary>
/// The one seam between text that came from outside (ARM's bodies and headers, listing values, file names, YAML
/// values, labels, exception messages) and anything the tool prints, logs or writes as markdown. Every character that
/// a terminal, a log viewer or a markdown renderer would not show as itself becomes a visible escape: <c>\uXXXX</c>,
/// or <c>\UXXXXXXXX</c> beyond the basic plane. That is:
/// <list type="bullet">
/// <item>C0 and C1 controls and DEL (so no ESC sequence, carriage return, backspace or bell gets through);</item>
/// <item>every format character (Unicode category Cf) in every plane: bidi embeddings, overrides and isolates,
/// zero-width characters, the soft hyphen, and the TAG block U+E0000–U+E007F ("ASCII smuggling");</item>
/// <item>line and paragraph separators, unpaired surrogates, and code points Unicode has not assigned (a noncharacter,
/// or a character a newer Unicode may make a format character).</item>
/// </list>
/// A field (<see cref="Sanitize(string)"/>) keeps nothing else, line breaks and tabs included, so it can never start a
/// line of its own. A whole text (<see cref="Sanitize(string, bool)"/> with line breaks kept, as the console writers
/// use it) keeps <c>\n</c>, <c>\t</c> and <c>\r\n</c> only.
/// </summary>
public static class OutsideText
{
    /// <summary>The field made safe to print: nothing in it is invisible, moves the cursor or breaks the line.</summary>
    public static string Sanitize(string? value) => Sanitize(value, keepLineBreaks: false);

    /// <summary>As <see cref="Sanitize(string)"/>; with <paramref name="keepLineBreaks"/>, <c>\n</c>, <c>\t</c> and <c>\r\n</c> stay.</summary>
    public static string Sanitize(string? value, bool keepLineBreaks)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value ?? string.Empty;
        }

        var clean = CleanPrefix(value, keepLineBreaks);
        if (clean == value.Length)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16).Append(value, 0, clean);
        Append(builder, value.AsSpan(clean), keepLineBreaks, atEnd: true);
        return builder.ToString();
    }

    /// <summary>
    /// Appends <paramref name="text"/> sanitised to <paramref name="builder"/> and returns how many of its characters were
    /// consumed: all of them with <paramref name="atEnd"/>; otherwise a trailing high surrogate or carriage return, which
    /// the next piece of a stream may complete, is left for the caller to hand in again.
    /// </summary>
    public static int Append(StringBuilder builder, ReadOnlySpan<char> text, bool keepLineBreaks, bool atEnd)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!MayNeedWork(c))
            {
                builder.Append(c);
                i++;
                continue;
            }

            if (!atEnd && i == text.Length - 1 && (char.IsHighSurrogate(c) || (c == '\r' && keepLineBreaks)))
            {
                return i;
            }

            if (keepLineBreaks && (c is '\n' or '\t' || (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')))
            {
                builder.Append(c);
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var length) != System.Buffers.OperationStatus.Done)
            {
                // An unpaired surrogate: never valid text.
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                i++;
                continue;
            }

            if (IsUnsafe(rune) && rune.IsBmp)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}");
            }
            else if (IsUnsafe(rune))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:X8}");
            }
            else
            {
                builder.Append(text.Slice(i, length));
            }

            i += length;
        }

        return i;
    }

    /// <summary>True for a code point that must not reach a terminal, a log or markdown as itself.</summary>
    public static bool IsUnsafe(Rune rune) =>
        rune.Value is >= 0xE0000 and <= 0xE007F
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control
            or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.Surrogate
            or UnicodeCategory.OtherNotAssigned;

    /// <summary>Printable ASCII and most of the Latin-1 letters are always fine; everything else is looked at.</summary>
    private static bool MayNeedWork(char c) => c < 0x20 || c >= 0x7F;

    private static int CleanPrefix(string value, bool keepLineBreaks)
    {
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (!MayNeedWork(c) || (keepLineBreaks && c is '\n' or '\t'))
            {
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var length) != System.Buffers.OperationStatus.Done || IsUnsafe(rune))
            {
                return i;
            }

            i += length;
        }

        return i;
    }
}
