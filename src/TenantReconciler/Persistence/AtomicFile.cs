using System.Text;

namespace TenantReconciler.Persistence;

/// <summary>
/// Writes a whole file or nothing: the text goes to a temporary file in the same folder, which is then renamed onto
/// the path. A reader (or a crash) never sees half a file.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/>. Without <paramref name="overwrite"/>
    /// an existing file is never replaced, even one created while this runs (the rename refuses it).
    /// </summary>
    /// <exception cref="ReconcilerException">The file exists (and <paramref name="overwrite"/> is false), or cannot be written.</exception>
    public static void WriteAllText(string path, string text, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(text);
        if (!overwrite && File.Exists(path))
        {
            throw Exists(path);
        }

        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Utf8NoBom.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            if (!overwrite && File.Exists(full))
            {
                throw Exists(path);
            }

            File.Move(temp, full, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(full))
        {
            throw Exists(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReconcilerException($"Cannot write {path}: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static ReconcilerException Exists(string path) =>
        new($"{path} already exists; nothing was written. Give --force to replace it, or choose another file.");
}
