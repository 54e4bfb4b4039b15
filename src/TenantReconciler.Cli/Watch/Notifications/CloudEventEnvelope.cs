using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TenantReconciler.Cli.Watch.Notifications;

/// <summary>
/// A CloudEvents 1.0 event in the structured JSON format (<c>application/cloudevents+json</c>), written with
/// <see cref="Utf8JsonWriter"/>: no reflection, so the native build sends what the JIT build sends. The attributes are
/// the ones this tool uses, in this order: <c>specversion</c>, <c>id</c>, <c>source</c>, <c>type</c>, <c>subject</c>,
/// <c>time</c>, <c>datacontenttype</c> and <c>data</c> (a JSON value, written by the caller). A test parses what this
/// writes with the CloudEvents SDK for .NET and checks every attribute, and that the bytes are the SDK's own. String
/// attributes are made conformant (<see cref="AttributeString"/>) rather than refused.
/// </summary>
public static class CloudEventEnvelope
{
    public const string SpecVersion = "1.0";

    /// <summary>The structured mode's media type, as the HTTP Content-Type of the body.</summary>
    public const string ContentType = "application/cloudevents+json; charset=utf-8";

    /// <summary>The event as UTF-8 JSON. <paramref name="writeData"/> writes the <c>data</c> value.</summary>
    /// <param name="id">Non-empty; unique per event from one <paramref name="source"/>.</param>
    /// <param name="source">A URI-reference (here relative: <c>/tenant-reconciler/watch/REPLICA</c>).</param>
    /// <param name="type">Non-empty, reverse-DNS style: <c>tenant-reconciler.drift.detected</c>.</param>
    /// <param name="subject">Optional: left out when null or empty (the specification allows no empty subject).</param>
    /// <param name="time">Written as <see cref="Rfc3339"/> gives it.</param>
    /// <param name="dataContentType">The media type of <c>data</c>: a JSON one, since <c>data</c> is written as JSON.</param>
    public static byte[] Write(string id, Uri source, string type, string? subject, DateTimeOffset time, string dataContentType, Action<Utf8JsonWriter> writeData)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(dataContentType);
        ArgumentNullException.ThrowIfNull(writeData);

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("specversion", SpecVersion);
            json.WriteString("id", AttributeString(id));
            json.WriteString("source", source.OriginalString);
            json.WriteString("type", AttributeString(type));
            if (!string.IsNullOrEmpty(subject))
            {
                json.WriteString("subject", AttributeString(subject));
            }

            json.WriteString("time", Rfc3339(time));
            json.WriteString("datacontenttype", dataContentType);
            json.WritePropertyName("data");
            writeData(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// RFC 3339 as the CloudEvents SDKs write it: <c>2026-12-01T08:30:15Z</c> for a whole second, else 3, 6 or 7
    /// digits of the fraction (whole milliseconds, whole microseconds, ticks), and <c>Z</c> for a zero offset, else
    /// <c>+02:00</c>.
    /// </summary>
    public static string Rfc3339(DateTimeOffset time)
    {
        var ticks = time.Ticks;
        var fraction =
            ticks % TimeSpan.TicksPerSecond == 0 ? "" :
            ticks % TimeSpan.TicksPerMillisecond == 0 ? ".fff" :
            ticks % TimeSpan.TicksPerMicrosecond == 0 ? ".ffffff" :
            ".fffffff";
        var offset = time.Offset == TimeSpan.Zero ? "'Z'" : "zzz";
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss" + fraction + offset, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A CloudEvents <c>String</c>: without the characters the specification forbids (the C0 and C1 controls,
    /// noncharacters, unpaired surrogates), each replaced by U+FFFD. Subjects come from file and registration names,
    /// which may hold anything; the SDK refused such an event, this sends it, readable.
    /// </summary>
    public static string AttributeString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? text = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var width = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            var codePoint = width == 2 ? char.ConvertToUtf32(c, value[i + 1]) : c;
            var allowed = !(codePoint <= 0x1F || codePoint is >= 0x7F and <= 0x9F || codePoint is >= 0xFDD0 and <= 0xFDEF
                || (codePoint & 0xFFFE) == 0xFFFE || (width == 1 && char.IsSurrogate(c)));
            if (!allowed && text is null)
            {
                text = new StringBuilder(value.Length).Append(value, 0, i);
            }

            if (text is not null)
            {
                if (allowed)
                {
                    text.Append(value, i, width);
                }
                else
                {
                    text.Append('\uFFFD');
                }
            }

            i += width - 1;
        }

        return text?.ToString() ?? value;
    }
}
