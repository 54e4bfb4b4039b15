using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>What the JSON contracts (the plan, the tenant view, the audit) share: the writer settings, a registration's identity, and values that are <c>null</c> when absent.</summary>
internal static class JsonContract
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>
    /// Writes one document through <paramref name="write"/>, then a final newline. The JSON is streamed to
    /// <paramref name="writer"/> as it is written (see <see cref="FlushIfLarge"/>): a large fleet's view never sits whole
    /// in memory, once as bytes and once more as a string.
    /// </summary>
    public static void Write(TextWriter writer, Action<Utf8JsonWriter> write)
    {
        using (var stream = new TextWriterStream(writer))
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            write(json);
        }

        writer.Write('\n');
    }

    /// <summary>
    /// A renderer's whole document: <paramref name="value"/> (not null) written by <paramref name="write"/> to
    /// <paramref name="writer"/> (see <see cref="Write(TextWriter, Action{Utf8JsonWriter})"/>).
    /// </summary>
    public static void Write<T>(TextWriter writer, T value, Action<Utf8JsonWriter, T> write, [CallerArgumentExpression(nameof(value))] string? valueName = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value, valueName);
        ArgumentNullException.ThrowIfNull(writer);
        Write(writer, json => write(json, value));
    }

    /// <summary>Hands what <paramref name="json"/> holds to the writer once it is more than a small buffer's worth.</summary>
    public static void FlushIfLarge(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.BytesPending > 64 * 1024)
        {
            json.Flush();
        }
    }

    /// <summary><c>id</c>, <c>subscriptionId</c>, <c>resourceGroup</c> and <c>name</c>, in that order.</summary>
    public static void WriteIdentity(Utf8JsonWriter json, RegistrationRef registration)
    {
        json.WriteString("id", registration.Id.ToString());
        json.WriteString("subscriptionId", PlanText.Id(registration.SubscriptionId));
        json.WriteString("resourceGroup", registration.ResourceGroup);
        json.WriteString("name", registration.Name);
    }

    /// <summary>The number, or <c>null</c> (never omitted).</summary>
    public static void WriteNumber(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>The GUID, lower-case "D", or <c>null</c> (never omitted).</summary>
    public static void WriteId(Utf8JsonWriter json, string name, Guid? id)
    {
        if (id is { } value)
        {
            json.WriteString(name, PlanText.Id(value));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}

/// <summary>UTF-8 bytes written as characters to a <see cref="TextWriter"/>, a sequence split between writes included.</summary>
internal sealed class TextWriterStream(TextWriter writer) : Stream
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetDecoder();
    private char[] _chars = new char[4096];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var needed = _decoder.GetCharCount(buffer, flush: false);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var written = _decoder.GetChars(buffer, _chars, flush: false);
        writer.Write(_chars.AsSpan(0, written));
    }

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
