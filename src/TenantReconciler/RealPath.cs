namespace TenantReconciler;

/// <summary>
/// Where a path really leads: every symbolic link along it resolved, as <c>realpath(3)</c> does, on every platform
/// .NET runs on. The tool asks it before it trusts a path that came from a pull request (a desired-state file, a path
/// recorded in a saved plan): such a path must stay inside the folder it was given in.
/// </summary>
public static class RealPath
{
    /// <summary>As Linux: more links than this on one path is a loop.</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The absolute path of <paramref name="path"/> with each symbolic link resolved, component by component. Components
    /// that do not exist are kept as they are (so a file about to be created has a real path too).
    /// </summary>
    /// <exception cref="IOException">A loop of links, or a link that cannot be read.</exception>
    public static string Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Not Path.GetFullPath: it folds "link/.." by the text, where the file system goes to the link target's parent.
        var absolute = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var current = Path.GetPathRoot(absolute) ?? string.Empty;
        var pending = new Stack<string>();
        Push(pending, absolute[current.Length..]);
        var links = 0;
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (name == ".")
            {
                continue;
            }

            if (name == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, name);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is not { } target)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"'{path}' has more than {MaxLinks} symbolic links on its way (a loop?).");
            }

            // The link's target replaces it: an absolute target from its root, a relative one from the link's folder.
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target) ?? current;
                target = target[current.Length..];
            }

            Push(pending, target);
        }

        return current;
    }

    private static void Push(Stack<string> pending, string relative)
    {
        foreach (var part in relative.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            pending.Push(part);
        }
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies below it (both already real, absolute paths).</summary>
    public static bool IsInside(string path, string folder)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(folder);
        var relative = Path.GetRelativePath(folder, path);
        return !Path.IsPathRooted(relative)
            && relative != ".."
            && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            && !relative.StartsWith(".." + Path.AltDirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static readonly char[] Separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];
}
