using System.Globalization;
using System.Text;
using System.Text.Unicode;
using System.Security.Cryptography;
using YamlDotNet.Core;

namespace TenantReconciler.Desired;

/// <summary>Loads and validates tenants.yaml. Every problem is collected and thrown at once as a <see cref="DesiredStateException"/>.</summary>
/// <remarks>
/// <see cref="DesiredStateReader"/> checks YamlDotNet's parser events in one pass (positions come from the events);
/// <see cref="YamlEventCursor"/> replays anchored nodes for aliases. Diagnostic codes are listed in <see cref="DiagnosticCodes"/> and
/// <c>docs/diagnostics.md</c>.
/// </remarks>
public static class DesiredStateLoader
{
    /// <summary>The largest desired-state file read: 64 MiB, far beyond any real fleet (100,000 tenants take ~15 MB).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads <paramref name="path"/> as UTF-8 (a BOM is allowed) and parses it; diagnostics name the path as given.</summary>
    /// <exception cref="DesiredStateException">The file is missing, unreadable or invalid.</exception>
    public static DesiredState Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Single(path, 1, 1, DiagnosticCodes.FileNotFound, "No desired-state file was given.");
        }

        return Parse(ReadCapped(path), path);
    }

    /// <summary>
    /// Reads every file that <paramref name="paths"/> name (each a file, or a directory: its <c>*.yaml</c> and <c>*.yml</c>
    /// in ordinal order, not recursive) and merges them into one state (<see cref="DesiredSet"/>). One path that is a
    /// file is exactly <see cref="Load"/>.
    /// </summary>
    /// <exception cref="DesiredStateException">A path names nothing to read, a file is invalid, or the files conflict.</exception>
    public static DesiredState LoadAll(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return paths.Count == 1 && !Directory.Exists(paths[0]) ? Load(paths[0]) : DesiredSet.Load(DesiredSet.Expand(paths));
    }

    /// <summary>Decodes <paramref name="bytes"/> as UTF-8 (a BOM is allowed) and parses it; the state's hash is of these bytes.</summary>
    /// <exception cref="DesiredStateException">The bytes are not UTF-8, or the text is invalid.</exception>
    internal static DesiredState Parse(byte[] bytes, string path)
    {
        // The hash is of the very bytes that were parsed: a file swapped after this read never gets this state's hash.
        var sha256 = FileHash.Of(bytes);
        return Parse(DecodeUtf8(bytes, path), path) with { Sha256 = sha256, Sources = [new DesiredSourceFile(path, sha256)] };
    }

    /// <summary>Parses YAML text; <paramref name="fileName"/> is what diagnostics name.</summary>
    /// <exception cref="DesiredStateException">The text is invalid.</exception>
    public static DesiredState Parse(string yaml, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileName);

        var diagnostics = new DiagnosticBag(fileName);
        DesiredState? state;
        try
        {
            var cursor = new YamlEventCursor(new Parser(new StringReader(yaml)));
            state = new DesiredStateReader(cursor, diagnostics).Read(fileName);
        }
        catch (YamlException ex)
        {
            // Once the syntax is broken, nothing else found so far is trustworthy: report this alone.
            var single = Single(fileName, ToPosition(ex.Start.Line), ToPosition(ex.Start.Column), DiagnosticCodes.YamlSyntax, $"Invalid YAML: {ex.Message}");
            single.UndefinedAlias = (ex as UndefinedAliasException)?.Alias;
            throw single;
        }

        if (state is null || diagnostics.HasErrors)
        {
            throw new DesiredStateException(diagnostics.ToSortedList());
        }

        return state;
    }

    /// <summary>
    /// All the bytes of the file, refusing a file over <see cref="MaxFileBytes"/> before reading it (by its length)
    /// and while reading it (a pipe, or a file that grows).
    /// </summary>
    internal static byte[] ReadCapped(string path)
    {
        try
        {
            using var stream = DesiredFile.OpenRead(path, bufferSize: 0);
            var length = stream.CanSeek ? stream.Length : 0;
            if (length > MaxFileBytes)
            {
                throw TooLarge(path, $"is {length.ToString("N0", CultureInfo.InvariantCulture)} bytes");
            }

            var buffer = new byte[length > 0 ? length : 64 * 1024];
            var count = 0;
            while (true)
            {
                if (count == buffer.Length)
                {
                    // Full: look for one more byte before growing, so a file of exactly its length is read once.
                    var next = stream.ReadByte();
                    if (next < 0)
                    {
                        break;
                    }

                    if (count + 1L > MaxFileBytes)
                    {
                        throw TooLarge(path, "holds more than the limit");
                    }

                    Array.Resize(ref buffer, (int)Math.Min(MaxFileBytes, Math.Max(2L * buffer.Length, 64 * 1024)));
                    buffer[count++] = (byte)next;
                    continue;
                }

                var read = stream.Read(buffer, count, buffer.Length - count);
                if (read == 0)
                {
                    break;
                }

                count += read;
            }

            if (count != buffer.Length)
            {
                Array.Resize(ref buffer, count);
            }

            return buffer;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Single(path, 1, 1, DiagnosticCodes.FileNotFound, $"The desired-state file '{Text.Quote(path)}' was not found.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw Single(path, 1, 1, DiagnosticCodes.FileNotFound, $"The desired-state file '{Text.Quote(path)}' cannot be read: {ex.Message}");
        }
    }

    private static DesiredStateException TooLarge(string path, string size) =>
        Single(
            path,
            1,
            1,
            DiagnosticCodes.FileTooLarge,
            string.Create(
                CultureInfo.InvariantCulture,
                $"The desired-state file '{Text.Quote(path)}' {size}: the limit is 64 MiB ({MaxFileBytes:N0} bytes). Check that the path names a tenants file."));

    private static string DecodeUtf8(byte[] bytes, string path)
    {
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        try
        {
            return StrictUtf8.GetString(span);
        }
        catch (DecoderFallbackException)
        {
            // Error path: find where the first invalid byte is, as a line and column.
            var chars = new char[span.Length];
            Utf8.ToUtf16(span, chars, out var validBytes, out _, replaceInvalidSequences: false);
            var valid = span[..validBytes];
            var lineStart = valid.LastIndexOf((byte)'\n') + 1;
            var line = valid.Count((byte)'\n') + 1;
            var column = Encoding.UTF8.GetCharCount(valid[lineStart..]) + 1;
            throw Single(path, line, column, DiagnosticCodes.InvalidEncoding, $"The file is not valid UTF-8: invalid byte 0x{span[validBytes]:X2}. Save it as UTF-8.");
        }
    }

    private static int ToPosition(long value) => value < 1 ? 1 : value > int.MaxValue ? int.MaxValue : (int)value;

    private static DesiredStateException Single(string file, int line, int column, string code, string message) =>
        new([new Diagnostic(new SourceLocation(file, line, column), code, message)]);
}

/// <summary>The <c>sha256:…</c> digest that saved plans and the watch status record for a desired-state file.</summary>
public static class FileHash
{
    public static string Of(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The digest of a file's bytes, read in small pieces: hashing a large file allocates nothing of its size.</summary>
    public static string OfFile(string path)
    {
        using var stream = DesiredFile.OpenRead(path, bufferSize: 1, FileOptions.SequentialScan);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>The desired-state file is invalid. <see cref="ReconcilerException.Diagnostics"/> lists every problem.</summary>
public sealed class DesiredStateException : ReconcilerException
{
    public DesiredStateException(IReadOnlyList<Diagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>The name of the alias whose anchor is not in its file (the TR1001 that is then reported alone), for <see cref="DesiredSet"/>.</summary>
    internal string? UndefinedAlias { get; set; }
}
