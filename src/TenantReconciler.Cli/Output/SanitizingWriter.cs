using System.Text;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// Stdout and stderr as every command writes them: each character goes through <see cref="OutsideText"/> (line breaks
/// and tabs kept), so that nothing that reaches the terminal or a CI log can be an escape sequence, a carriage return
/// or an invisible character, whatever a message quotes. The fields that came from outside are sanitised where they
/// enter a message (so that they cannot break a line either); this writer is the net below them. It buffers nothing
/// but an unfinished surrogate pair or carriage return, so it interleaves with the terminal's own console exactly.
/// </summary>
public sealed class SanitizingWriter : TextWriter
{
    private readonly TextWriter _inner;
    private readonly StringBuilder _buffer = new();
    private readonly Lock _gate = new();
    private string _pending = string.Empty;

    private SanitizingWriter(TextWriter inner)
        : base(inner.FormatProvider)
    {
        _inner = inner;
        CoreNewLine = inner.NewLine.ToCharArray();
    }

    public override Encoding Encoding => _inner.Encoding;

    /// <summary><paramref name="writer"/> wrapped, unless it already is.</summary>
    public static TextWriter Wrap(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer is SanitizingWriter ? writer : new SanitizingWriter(writer);
    }

    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            foreach (var chunk in Clean(buffer, atEnd: false).GetChunks())
            {
                _inner.Write(chunk.Span);
            }
        }
    }

    /// <summary>A line is written as a line (what follows a line break cannot complete what came before it).</summary>
    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            _inner.WriteLine(Clean(buffer, atEnd: true).ToString());
        }
    }

    public override void WriteLine() => WriteLine(ReadOnlySpan<char>.Empty);

    public override void WriteLine(string? value) => WriteLine(value.AsSpan());

    public override void WriteLine(char[] buffer, int index, int count) => WriteLine(buffer.AsSpan(index, count));

    public override void WriteLine(char value) => WriteLine(new ReadOnlySpan<char>(in value));
    // The writes are synchronous (a console, a pipe, a buffer): each task is complete when it is returned.
    public override Task WriteAsync(char value) => Written(new ReadOnlySpan<char>(in value), line: false);

    public override Task WriteAsync(string? value) => Written(value.AsSpan(), line: false);

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) => Written(buffer.Span, line: false);

    public override Task WriteLineAsync(string? value) => Written(value.AsSpan(), line: true);

    public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) => Written(buffer.Span, line: true);

    private Task Written(ReadOnlySpan<char> buffer, bool line)
    {
        if (line)
        {
            WriteLine(buffer);
        }
        else
        {
            Write(buffer);
        }

        return Task.CompletedTask;
    }

    /// <summary>Caller holds the gate. The pending characters and <paramref name="buffer"/>, sanitised; what may be unfinished stays pending.</summary>
    private StringBuilder Clean(ReadOnlySpan<char> buffer, bool atEnd)
    {
        _buffer.Clear();
        ReadOnlySpan<char> text = buffer;
        if (_pending.Length > 0)
        {
            text = string.Concat(_pending, buffer);
        }

        var used = OutsideText.Append(_buffer, text, keepLineBreaks: true, atEnd);
        _pending = text[used..].ToString();
        return _buffer;
    }

    public override void Flush()
    {
        lock (_gate)
        {
            _inner.Flush();
        }
    }

    public override Task FlushAsync() => FlushAsync(CancellationToken.None);

    public override async Task FlushAsync(CancellationToken cancellationToken) => await _inner.FlushAsync(cancellationToken);

    /// <summary>An unfinished pair or carriage return at the very end is written escaped; the console itself stays open.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                if (_pending.Length > 0)
                {
                    _inner.Write(OutsideText.Sanitize(_pending, keepLineBreaks: true));
                    _pending = string.Empty;
                }

                _inner.Flush();
            }
        }

        base.Dispose(disposing);
    }

    public override string ToString() => _inner.ToString() ?? string.Empty;
}
