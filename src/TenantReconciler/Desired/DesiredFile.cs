using System.Runtime.InteropServices;

namespace TenantReconciler.Desired;

/// <summary>
/// How a desired-state file is opened: the one place that reads one (to parse it, or to hash it). A pull request can
/// commit a symbolic link in the desired-state folder, or a FIFO; so a file must resolve inside the real path of its
/// own folder (a directory's entries inside that directory; a <c>-f</c> file inside the folder it is named in), and must
/// be a regular file: a FIFO, a device or a socket is refused before it is opened, so a read never blocks and the
/// target's content is never echoed. The folder itself may be a link (git-sync publishes one, as does a Kubernetes
/// ConfigMap volume), and so may the file, as long as it stays in that folder.
/// </summary>
internal static partial class DesiredFile
{
    /// <summary>Opens <paramref name="path"/> for reading, after the checks above; the diagnostics name the path as given.</summary>
    /// <exception cref="DesiredStateException">The file leads out of its folder, or is not a regular file.</exception>
    /// <exception cref="IOException">As <see cref="FileStream"/>'s constructor (missing, unreadable).</exception>
    public static FileStream OpenRead(string path, int bufferSize, FileOptions options = FileOptions.None)
    {
        var real = Check(path);
        return new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
    }

    /// <summary>The real path of <paramref name="path"/> when it may be read; else the diagnostic.</summary>
    private static string Check(string path)
    {
        var folder = Path.GetDirectoryName(path);
        string real, realFolder;
        try
        {
            real = RealPath.Of(path);
            realFolder = RealPath.Of(string.IsNullOrEmpty(folder) ? "." : folder);
        }
        catch (IOException e)
        {
            throw Refused(path, DiagnosticCodes.FileNotFound, $"The desired-state file '{Text.Quote(path)}' cannot be resolved: {OutsideText.Sanitize(e.Message)}");
        }

        if (!RealPath.IsInside(real, realFolder))
        {
            throw Refused(
                path,
                DiagnosticCodes.FileOutsideFolder,
                $"The desired-state file '{Text.Quote(path)}' is a symbolic link that leads outside its folder (to '{Text.Quote(real)}'), so it is not read. Name the file itself with -f.");
        }

        if (KindOf(real) is { } kind)
        {
            throw Refused(path, DiagnosticCodes.NotARegularFile, $"The desired-state file '{Text.Quote(path)}' is {kind}, not a regular file, so it is not read.");
        }

        return real;
    }

    private static DesiredStateException Refused(string path, string code, string message) =>
        new([new Diagnostic(new SourceLocation(path, 1, 1), code, message)]);

    /// <summary>
    /// "a FIFO", "a device" or "a socket" when <paramref name="path"/> (links followed) is one of those; null for a regular
    /// file, a directory, a missing file, or where the file type cannot be asked (Windows has none of these in its file system).
    /// </summary>
    internal static string? KindOf(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            // The .NET runtime's own portable stat (System.Native): Flags, then Mode with the POSIX type bits.
            var status = new FileStatusPrefix();
            if (Stat(path, ref status) != 0)
            {
                return null;
            }

            return (status.Mode & 0xF000) switch
            {
                0x1000 => "a FIFO (named pipe)",
                0x2000 => "a character device",
                0x6000 => "a block device",
                0xC000 => "a socket",
                _ => null,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref FileStatusPrefix status);

    /// <summary>System.Native's FileStatus, with room to spare: only <see cref="Mode"/> is read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FileStatusPrefix
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;
        public long ATime, ATimeNsec, MTime, MTimeNsec, CTime, CTimeNsec, BirthTime, BirthTimeNsec, Dev, RDev, Ino;
        public uint UserFlags;
        public long Spare1, Spare2, Spare3, Spare4, Spare5, Spare6, Spare7, Spare8;
    }
}
