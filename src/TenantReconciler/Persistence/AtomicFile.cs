using System.Text;

namespace TenantReconciler.Persistence;

/// <summary>
/// The one way the tool writes a file (a saved plan, an undo plan, <c>import</c>'s output, the emulator's state and
/// certificate), and the one rule for symbolic links on every file it writes, the journal included. A whole file or
/// nothing: the bytes go to a temporary file with a random name, created exclusively (<see cref="FileMode.CreateNew"/>:
/// never a file or a link that was already there) in the target's folder, flushed, then renamed onto the target. A
/// reader, or a crash, never sees half a file.
/// <para>
/// Links: a pull request can commit a symbolic link anywhere in the checkout, so nothing is written through one. A
/// target that is a link is refused unless the caller says to replace the link itself (<c>--force</c>: the rename
/// replaces the link, never the file it points to), and no folder of the path below the working directory may be a link.
/// </para>
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/>; see <see cref="Write"/>.</summary>
    /// <exception cref="ReconcilerException">See <see cref="Write"/>.</exception>
    public static void WriteAllText(string path, string text, bool overwrite, bool replaceLink = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, Utf8NoBom.GetBytes(text), overwrite, replaceLink);
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/>. Without <paramref name="overwrite"/> an existing file
    /// is never replaced, even one created while this runs. A link at <paramref name="path"/> is replaced (the link, not
    /// its target) only with <paramref name="replaceLink"/>.
    /// </summary>
    /// <exception cref="ReconcilerException">The file exists (and <paramref name="overwrite"/> is false), the path goes
    /// through a link, its folder does not exist, or it cannot be written. Nothing was written.</exception>
    public static void Write(string path, ReadOnlySpan<byte> bytes, bool overwrite, bool replaceLink = false)
    {
        var full = CheckWritable(path, overwrite, replaceLink);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var created = false;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                created = true;
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (!overwrite && Exists(full))
            {
                throw AlreadyThere(path);
            }

            File.Move(temp, full, overwrite);
            created = false;
        }
        catch (IOException) when (!overwrite && Exists(full))
        {
            throw AlreadyThere(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReconcilerException($"cannot write {path}: {e.Message} Nothing was written.", e);
        }
        finally
        {
            if (created)
            {
                TryDelete(temp);
            }
        }
    }

    /// <summary>
    /// Checks, before anything is computed or recorded, that <see cref="Write"/> would accept <paramref name="path"/>:
    /// its folder exists, no folder of it below the working directory is a link, and it is not a link itself (unless
    /// <paramref name="replaceLink"/>) nor, without <paramref name="overwrite"/>, an existing file. Returns the full path.
    /// </summary>
    /// <exception cref="ReconcilerException">It would not.</exception>
    public static string CheckWritable(string path, bool overwrite, bool replaceLink = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ReconcilerException("no file name was given to write to. Nothing was written.");
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ReconcilerException($"cannot write '{Desired.Text.Quote(path)}': {e.Message} Nothing was written.", e);
        }

        RefuseLinks(full, path, "write", finalMayBeLink: replaceLink);
        var folder = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            throw new ReconcilerException($"cannot write {path}: the folder {folder} does not exist. Create it first, or choose another path. Nothing was written.");
        }

        if (Directory.Exists(full) && new DirectoryInfo(full).LinkTarget is null)
        {
            throw new ReconcilerException($"cannot write {path}: it is a folder. Nothing was written.");
        }

        if (!overwrite && Exists(full))
        {
            throw AlreadyThere(path);
        }

        return full;
    }

    /// <summary>
    /// Refuses <paramref name="path"/> when it is a symbolic link, or when one of its folders below the working
    /// directory is (a pull request's checkout can hold either). Folders above the working directory are the
    /// operator's, not the checkout's, and are not judged. Used before every open of the local journal too.
    /// </summary>
    /// <param name="what">How the message names the file, e.g. "the apply journal".</param>
    /// <exception cref="ReconcilerException">A link was found: nothing is opened.</exception>
    public static void RefuseLinks(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        RefuseLinks(Path.GetFullPath(path), path, what, finalMayBeLink: false);
    }

    private static void RefuseLinks(string full, string given, string what, bool finalMayBeLink)
    {
        var workingDirectory = Path.GetFullPath(Directory.GetCurrentDirectory());
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var current = root;
        var parts = full[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            var final = i == parts.Length - 1;
            if ((final ? finalMayBeLink : !IsBelow(current, workingDirectory)) || new FileInfo(current).LinkTarget is not { } target)
            {
                continue;
            }

            var fix = what == "write"
                ? OptionText.Of($"Give {UserOption.Force} to replace the link itself (never the file it points to), or choose another path.")
                : OptionText.Plain("Give the path of the file itself.");
            throw final
                ? new ReconcilerException(OptionText.Of($"{Subject(what, given)} is a symbolic link (to {target}), and nothing is written through a link. {fix} Nothing was written."))
                : new ReconcilerException($"{Subject(what, given)} lies in {current}, which is a symbolic link (to {target}), and nothing is written through a link. Nothing was written.");
        }
    }

    private static string Subject(string what, string given) => what == "write" ? $"cannot write {given}: it" : $"{what} {given}";

    private static bool IsBelow(string path, string folder) => path.Length > folder.Length && RealPath.IsInside(path, folder);

    /// <summary>A file, a folder or a link (even a dangling one) is there.</summary>
    private static bool Exists(string full) => File.Exists(full) || Directory.Exists(full) || new FileInfo(full).LinkTarget is not null;

    private static ReconcilerException AlreadyThere(string path) =>
        new(OptionText.Of($"{path} already exists; nothing was written. Give {UserOption.Force} to replace it, or choose another file."));

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original failure is the one worth reporting.
        }
    }
}
