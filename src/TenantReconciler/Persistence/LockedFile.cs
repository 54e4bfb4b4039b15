using System.Diagnostics;

namespace TenantReconciler.Persistence;

/// <summary>
/// Opens the local journal with the file locks that keep two writers (threads or processes) from interleaving, never
/// through a symbolic link (<see cref="AtomicFile.RefuseLinks"/>: the file, or a folder of it below the working directory).
/// <see cref="FileShare.None"/> is what excludes them: on Windows a sharing mode, on Linux and macOS .NET takes an
/// exclusive <c>flock</c> on the open file (a reader's <see cref="FileShare.Read"/> takes a shared one). Both are
/// taken without waiting, so a refused open is tried again, with a short back-off, for up to the caller's wait
/// (<see cref="DefaultWait"/>). Setting <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns the Unix locks off, and with them this guarantee.
/// </summary>
internal static class LockedFile
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxBackOff = TimeSpan.FromMilliseconds(50);

    /// <summary>The file, created when missing, for reading and appending while no one else has it open.</summary>
    public static async Task<FileStream> OpenExclusiveAsync(string path, TimeSpan wait, CancellationToken cancellationToken) =>
        (await OpenAsync(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, wait, sync: false, cancellationToken))!;

    /// <summary>As <see cref="OpenExclusiveAsync"/>, blocking the thread while another has the lock.</summary>
    public static FileStream OpenExclusive(string path, TimeSpan wait) =>
        OpenAsync(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, wait, sync: true, CancellationToken.None).GetAwaiter().GetResult()!;

    /// <summary>The file for reading while no writer has it; null when it does not exist.</summary>
    public static FileStream? OpenForRead(string path) =>
        OpenAsync(path, FileMode.Open, FileAccess.Read, FileShare.Read, DefaultWait, sync: true, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>With <paramref name="sync"/> it never awaits, so the task is complete when it returns.</summary>
    private static async Task<FileStream?> OpenAsync(string path, FileMode mode, FileAccess access, FileShare share, TimeSpan wait, bool sync, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var backOff = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            try
            {
                // Never through a link a pull request committed (the file, or a folder of it in the checkout).
                AtomicFile.RefuseLinks(path, "the apply journal");

                // No buffer: every Write is a write(2), and the line is with the OS when Flush returns.
                return new FileStream(path, mode, access, share, bufferSize: 0);
            }
            catch (Exception e) when (mode == FileMode.Open && e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
            catch (IOException e) when (IsLockedByAnother(e))
            {
                if (Stopwatch.GetElapsedTime(started) >= wait)
                {
                    throw new ReconcilerException($"the apply journal {path} stayed locked by another writer for {wait.TotalSeconds:0} s: {e.Message}", e);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ReconcilerException($"cannot open the apply journal {path}: {e.Message}", e);
            }

            if (sync)
            {
                Thread.Sleep(backOff);
            }
            else
            {
                await Task.Delay(backOff, cancellationToken);
            }

            backOff = backOff * 2 < MaxBackOff ? backOff * 2 : MaxBackOff;
        }
    }

    /// <summary>The open was refused because of another's lock: EWOULDBLOCK from flock, or a Windows sharing or lock violation.</summary>
    private static bool IsLockedByAnother(IOException e) =>
        e.GetType() == typeof(IOException)
        && (OperatingSystem.IsWindows()
            ? e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
            : e.HResult is 11 or 35); // EWOULDBLOCK: Linux, macOS
}
